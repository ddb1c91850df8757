using System.Reflection;

namespace Wacht.Client.Tests.Support;

/// <summary>
/// Every string argument of every <see cref="IWachtClient"/> method that ends up in a request path, crossed with
/// values that must never be sent. Found by reflection, so a new method or argument is covered (or, if it has a type
/// or name this table does not know, fails <see cref="ValidArguments"/> until a sample is added here).
/// Shared by the unit tests (stub handler) and the integration tests (emulator): linked into both projects.
/// </summary>
public static class PathArgumentMatrix
{
    public const string Slug = "analytics-api";
    public const string Scope = "read:reports";
    public const string ClientRecordId = "9223372036854775806";
    public const string GrantId = "9223372036854775805";
    public const string Kid = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    /// <summary>The property of a request object that names a path argument of later calls.</summary>
    public const string CreateAppSlug = "request.Slug";

    /// <summary>Values no path argument may take, by a readable name (theory data carries the name, not the value).</summary>
    public static IReadOnlyDictionary<string, string?> BadValues { get; } = new Dictionary<string, string?>
    {
        ["null"] = null,
        ["empty"] = "",
        ["blank"] = "  ",
        ["dot"] = ".",
        ["dot-dot"] = "..",
        ["slash"] = "/",
        ["dot-dot-slash"] = "../clients",
        ["slash-inside"] = "a/b",
        ["backslash"] = "\\",
        ["dot-dot-backslash"] = "..\\x",
        ["backslash-inside"] = "a\\b",
        ["question-mark"] = "a?b",
        ["query"] = "?x=1",
        ["hash"] = "a#b",
        ["encoded-slash"] = "a%2Fb",
        ["encoded-slash-lower"] = "a%2fb",
        ["encoded-backslash"] = "a%5Cb",
        ["encoded-dot-dot"] = "%2E%2E",
        ["half-encoded-dot-dot"] = ".%2e",
        ["encoded-nul"] = "%00",
        ["nul"] = "\0",
        ["newline"] = "a\nb",
        ["crlf"] = "a\r\nb",
        ["tab"] = "a\tb",
        ["esc"] = "\u001b[2J",
        ["del"] = "a\u007fb",
        ["leading-space"] = " a",
        ["trailing-space"] = "a ",
        ["space-inside"] = "a b",
        ["non-ascii"] = "é",
        ["fullwidth-solidus"] = "a\uFF0Fb",
        ["one-dot-leader-pair"] = "\u2024\u2024",
        ["lone-surrogate"] = "a\uD800b",
    };

    /// <summary>Further values an id argument (record ids in decimal) may not take: not canonical, or out of range.</summary>
    public static IReadOnlyDictionary<string, string?> BadIds { get; } = new Dictionary<string, string?>
    {
        ["id-leading-zero"] = "007",
        ["id-zero"] = "0",
        ["id-negative"] = "-1",
        ["id-plus"] = "+1",
        ["id-above-long"] = "9223372036854775808",
        ["id-ulong-max"] = "18446744073709551615",
        ["id-20-digits"] = "10000000000000000000",
        ["id-exponent"] = "1e3",
        ["id-hex"] = "0x1F",
        ["id-arabic-digits"] = "١٢٣",
        ["id-public-client-id"] = "oc_client_5f2b8e",
    };

    private static readonly HashSet<string> IdArguments = ["oauthClientId", "grantId"];

    /// <summary>
    /// The interface's management-API methods, by name (no overloads exist among them). The secret check is left out:
    /// it calls the app's own host, which it takes from a host name it validates as such (SecretCheckTests).
    /// </summary>
    public static IReadOnlyDictionary<string, MethodInfo> Methods { get; } =
        typeof(IWachtClient).GetMethods()
            .Where(m => !m.IsSpecialName && typeof(Task).IsAssignableFrom(m.ReturnType) && m.Name != nameof(IWachtClient.CheckClientSecretAsync))
            .ToDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>(method, argument) for every string parameter of every method, plus createOAuthApp's slug.</summary>
    public static IEnumerable<(string Method, string Argument)> PathArguments()
    {
        foreach (var method in Methods.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            foreach (var parameter in method.GetParameters().Where(p => p.ParameterType == typeof(string)))
            {
                yield return (method.Name, parameter.Name!);
            }
        }

        yield return (nameof(IWachtClient.CreateOAuthAppAsync), CreateAppSlug);
    }

    /// <summary>Every (method, argument, bad value name).</summary>
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (method, argument) in PathArguments())
        {
            foreach (var name in BadValues.Keys)
            {
                data.Add(method, argument, name);
            }

            if (IdArguments.Contains(argument))
            {
                foreach (var name in BadIds.Keys)
                {
                    data.Add(method, argument, name);
                }
            }
        }

        return data;
    }

    public static string? Value(string name) => BadValues.TryGetValue(name, out var value) ? value : BadIds[name];

    /// <summary>Calls <paramref name="method"/> with valid arguments except <paramref name="argument"/>, which gets <paramref name="value"/>.</summary>
    public static async Task InvokeAsync(IWachtClient client, string method, string? argument = null, string? value = null)
    {
        var info = Methods[method];
        var arguments = ValidArguments(info);
        if (argument == CreateAppSlug)
        {
            arguments[0] = CreateApp(value);
        }
        else if (argument is not null)
        {
            var index = Array.FindIndex(info.GetParameters(), p => p.Name == argument);
            Assert.True(index >= 0, $"{method} has no parameter {argument}");
            arguments[index] = value;
        }

        Task task;
        try
        {
            task = (Task)info.Invoke(client, arguments)!;
        }
        catch (TargetInvocationException thrown) when (thrown.InnerException is not null)
        {
            // Thrown before the method returned its task: rethrown as it was, for the caller's Assert.ThrowsAsync.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(thrown.InnerException).Throw();
            throw;
        }

        await task;
    }

    /// <summary>Well-formed arguments for every parameter of <paramref name="method"/>.</summary>
    public static object?[] ValidArguments(MethodInfo method) =>
        [.. method.GetParameters().Select(p => p.ParameterType == typeof(string) ? ValidString(method, p.Name!) : ValidObject(method, p.ParameterType))];

    private static string ValidString(MethodInfo method, string name) => name switch
    {
        "appSlug" => Slug,
        "scope" => Scope,
        "oauthClientId" => ClientRecordId,
        "grantId" => GrantId,
        "kid" => Kid,
        _ => throw new InvalidOperationException($"No sample value for {method.Name}({name}); add one to {nameof(PathArgumentMatrix)}."),
    };

    private static object? ValidObject(MethodInfo method, Type type) => type switch
    {
        _ when type == typeof(CancellationToken) => CancellationToken.None,
        _ when type == typeof(CreateOAuthAppRequest) => CreateApp(Slug + "-2"),
        _ when type == typeof(UpdateOAuthAppRequest) => new UpdateOAuthAppRequest { Description = "changed by a path test" },
        _ when type == typeof(UpdateOAuthScopeRequest) => new UpdateOAuthScopeRequest { Description = "changed by a path test" },
        _ when type == typeof(SetOAuthScopeMappingRequest) => new SetOAuthScopeMappingRequest { Category = ScopeCategories.Personal },
        _ when type == typeof(CreateOAuthClientRequest) => new CreateOAuthClientRequest { ClientAuthMethod = ClientAuthMethods.ClientSecretBasic, GrantTypes = [GrantTypes.ClientCredentials] },
        _ when type == typeof(UpdateOAuthClientRequest) => new UpdateOAuthClientRequest { ClientName = "changed by a path test" },
        _ => throw new InvalidOperationException($"No sample value of {type.Name} for {method.Name}; add one to {nameof(PathArgumentMatrix)}."),
    };

    private static CreateOAuthAppRequest CreateApp(string? slug) => new() { Slug = slug!, Name = "Path test app" };
}
