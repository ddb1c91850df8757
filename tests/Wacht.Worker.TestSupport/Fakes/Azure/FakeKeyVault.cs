using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Wacht.Worker.TestSupport.Fakes.Azure;

/// <summary>
/// An Azure Key Vault (secrets) on a free loopback port over HTTPS (a self-signed certificate made by the test), speaking
/// the REST API the SDK uses: get a secret (latest or a version), set (a new version with tags and content type), list
/// versions (paged with <c>nextLink</c>), get a deleted secret; bearer-token challenge authentication (401 with
/// <c>WWW-Authenticate</c> first, as the SDK expects), RBAC-like permissions per token, soft-deleted names (409).
/// Faults: unreachable, slow, a concurrent writer before a given write, scripted failures. See README.md in Fakes/.
/// </summary>
public sealed class FakeKeyVault : IAsyncDisposable
{
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    private readonly object _gate = new();
    private readonly Dictionary<string, List<SecretVersion>> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _deleted = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, HashSet<string>> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<Task>> _beforeWrite = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, TimeSpan> _slow = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private WebApplication? _app;

    private FakeKeyVault()
    {
    }

    public Uri BaseAddress { get; private set; } = null!;

    public bool Unreachable { get; set; }

    /// <summary>Versions per page of a version listing (Key Vault's default is 25; small here so that paging is exercised).</summary>
    public int PageSize { get; set; } = 2;

    public ConcurrentQueue<string> Requests { get; } = new();

    public ConcurrentQueue<string> Bodies { get; } = new();

    public ConcurrentQueue<string> Answers { get; } = new();

    public static async Task<FakeKeyVault> StartAsync(X509Certificate2 certificate)
    {
        var fake = new FakeKeyVault();
        (fake._app, fake.BaseAddress) = await FakeHost.StartAsync(
            app =>
            {
                app.MapGet("/secrets/{name}/versions", (HttpContext c, string name) => fake.HandleAsync(c, "list", name, null));
                app.MapGet("/secrets/{name}/{version?}", (HttpContext c, string name, string? version) => fake.HandleAsync(c, "get", name, version));
                app.MapPut("/secrets/{name}", (HttpContext c, string name) => fake.HandleAsync(c, "set", name, null));
                app.MapGet("/deletedsecrets/{name}", (HttpContext c, string name) => fake.HandleAsync(c, "getDeleted", name, null));
            },
            () => fake.Unreachable,
            certificate);
        return fake;
    }

    /// <summary>Accepts a bearer token with these permissions (<c>get</c>, <c>list</c>, <c>set</c>, <c>getDeleted</c>).</summary>
    public void Grant(string token, params string[] permissions)
    {
        lock (_gate)
        {
            _tokens[token] = new HashSet<string>(permissions, StringComparer.Ordinal);
        }
    }

    public void MakeSlow(string name, TimeSpan delay) => _slow[name] = delay;

    public void ClearSlow() => _slow.Clear();

    public void BeforeNextWrite(string name, Func<Task> action) => _beforeWrite[name] = action;

    /// <summary>The next <paramref name="times"/> requests of <paramref name="operation"/> (get, set, list) are answered 503, unapplied.</summary>
    public void FailNext(string operation, int times) => _failures[operation] = times;

    /// <summary>Marks a name as deleted but recoverable (soft-deleted): writes are refused with 409.</summary>
    public void SoftDelete(string name)
    {
        lock (_gate)
        {
            _secrets.Remove(name);
            _deleted.Add(name);
        }
    }

    /// <summary>Writes a version directly (as another client would).</summary>
    public string Write(string name, string value, IDictionary<string, string>? tags = null)
    {
        lock (_gate)
        {
            return Store(name, value, null, tags is null ? [] : new Dictionary<string, string>(tags)).Id;
        }
    }

    /// <summary>The versions of a secret, oldest first: id, value, tags.</summary>
    public IReadOnlyList<(string Id, string Value, IReadOnlyDictionary<string, string> Tags, string? ContentType)> Versions(string name)
    {
        lock (_gate)
        {
            return _secrets.TryGetValue(name, out var versions)
                ? [.. versions.Select(v => (v.Id, v.Value, (IReadOnlyDictionary<string, string>)v.Tags, v.ContentType))]
                : [];
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<IResult> HandleAsync(HttpContext context, string operation, string name, string? version)
    {
        Requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
        if (!context.Request.Query.ContainsKey("api-version"))
        {
            return Error(HttpStatusCode.BadRequest, "BadParameter", "The request URI must contain an api-version.");
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            // The challenge the SDK's authentication policy waits for before it asks its credential for a token.
            context.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"https://login.microsoftonline.com/{TenantId}\", resource=\"https://vault.azure.net\"";
            return Error(HttpStatusCode.Unauthorized, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.");
        }

        HashSet<string>? permissions;
        lock (_gate)
        {
            _tokens.TryGetValue(authorization["Bearer ".Length..], out permissions);
        }

        if (permissions is null)
        {
            context.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"https://login.microsoftonline.com/{TenantId}\", resource=\"https://vault.azure.net\"";
            return Error(HttpStatusCode.Unauthorized, "Unauthorized", "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/" + TenantId + "/.");
        }

        string text = "";
        if (operation == "set")
        {
            text = await FakeHost.ReadBodyAsync(context);
            Bodies.Enqueue(text);
        }

        if (!permissions.Contains(operation))
        {
            var action = operation switch { "set" => "setSecret/action", "getDeleted" => "deletedSecrets/read", _ => "secrets/getSecret/action" };
            return Error(
                HttpStatusCode.Forbidden,
                "Forbidden",
                $"Caller is not authorized to perform action on resource. If role assignments, deny assignments or role definitions were changed recently, please observe propagation time. Caller: appid=wacht-worker;iss=https://sts.windows.net/{TenantId}/ Action: 'Microsoft.KeyVault/vaults/secrets/{action}' Resource: '/subscriptions/0000/resourcegroups/rg/providers/microsoft.keyvault/vaults/fake/secrets/{name}' Assignment: (not found) Vault: fake;location=westeurope",
                "ForbiddenByRbac");
        }

        if (_failures.TryGetValue(operation, out var left) && left > 0 && _failures.TryUpdate(operation, left - 1, left))
        {
            return Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "The service is temporarily unavailable.");
        }

        await FakeHost.DelayAsync(_slow.TryGetValue(name, out var delay) ? delay : null, context);
        if (operation == "set" && _beforeWrite.TryRemove(name, out var before))
        {
            await before();
        }

        lock (_gate)
        {
            return operation switch
            {
                "get" => Get(name, version),
                "list" => List(context, name),
                "getDeleted" => _deleted.Contains(name)
                    ? Ok(new JsonObject { ["recoveryId"] = $"{BaseAddress}deletedsecrets/{name}", ["id"] = $"{BaseAddress}secrets/{name}", ["deletedDate"] = Now(), ["scheduledPurgeDate"] = Now() + 7_776_000, ["attributes"] = Attributes(DateTimeOffset.UtcNow) })
                    : Error(HttpStatusCode.NotFound, "SecretNotFound", $"Deleted Secret not found: {name}"),
                _ => Set(name, text),
            };
        }
    }

    private IResult Get(string name, string? version)
    {
        var match = _secrets.TryGetValue(name, out var versions)
            ? string.IsNullOrEmpty(version) ? versions.LastOrDefault() : versions.FirstOrDefault(v => v.Id == version)
            : null;
        return match is null
            ? Error(HttpStatusCode.NotFound, "SecretNotFound", $"A secret with (name/id) {name}{(version is null ? "" : "/" + version)} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182")
            : Ok(Bundle(name, match, withValue: true));
    }

    private IResult List(HttpContext context, string name)
    {
        if (!_secrets.TryGetValue(name, out var versions))
        {
            return Error(HttpStatusCode.NotFound, "SecretNotFound", $"A secret with (name/id) {name} was not found in this key vault.");
        }

        var skip = int.TryParse(context.Request.Query["$skiptoken"], CultureInfo.InvariantCulture, out var s) ? s : 0;
        var page = versions.Skip(skip).Take(PageSize).Select(v => (JsonNode)Bundle(name, v, withValue: false)).ToArray();
        var next = skip + PageSize < versions.Count
            ? $"{BaseAddress}secrets/{name}/versions?api-version={context.Request.Query["api-version"]}&$skiptoken={skip + PageSize}&maxresults={PageSize}"
            : null;
        return Ok(new JsonObject { ["value"] = new JsonArray(page), ["nextLink"] = next });
    }

    private IResult Set(string name, string text)
    {
        if (_deleted.Contains(name))
        {
            return Error(
                HttpStatusCode.Conflict,
                "Conflict",
                $"Secret {name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.",
                "ObjectIsDeletedButRecoverable");
        }

        JsonObject? body;
        try
        {
            body = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body?["value"] is not JsonValue value || !value.TryGetValue<string>(out var secret))
        {
            return Error(HttpStatusCode.BadRequest, "BadParameter", "Property value is required.");
        }

        var tags = (body["tags"] as JsonObject)?.ToDictionary(t => t.Key, t => t.Value!.GetValue<string>()) ?? [];
        if (tags.Count > 15 || tags.Any(t => t.Key.Length > 512 || t.Value.Length > 256))
        {
            return Error(HttpStatusCode.BadRequest, "BadParameter", "Tags: at most 15, names at most 512 and values at most 256 characters.");
        }

        return Ok(Bundle(name, Store(name, secret, body["contentType"]?.GetValue<string>(), tags), withValue: true));
    }

    private SecretVersion Store(string name, string value, string? contentType, Dictionary<string, string> tags)
    {
        if (!_secrets.TryGetValue(name, out var versions))
        {
            versions = [];
            _secrets[name] = versions;
        }

        var version = new SecretVersion(Guid.NewGuid().ToString("N"), value, contentType, tags, DateTimeOffset.UtcNow);
        versions.Add(version);
        return version;
    }

    private JsonObject Bundle(string name, SecretVersion version, bool withValue)
    {
        var bundle = new JsonObject
        {
            ["id"] = $"{BaseAddress}secrets/{name}/{version.Id}",
            ["attributes"] = Attributes(version.Created),
            ["tags"] = new JsonObject([.. version.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))]),
        };
        if (version.ContentType is not null)
        {
            bundle["contentType"] = version.ContentType;
        }

        if (withValue)
        {
            bundle["value"] = version.Value;
        }

        return bundle;
    }

    private static JsonObject Attributes(DateTimeOffset created) => new()
    {
        ["enabled"] = true,
        ["created"] = created.ToUnixTimeSeconds(),
        ["updated"] = created.ToUnixTimeSeconds(),
        ["recoveryLevel"] = "Recoverable+Purgeable",
        ["recoverableDays"] = 90,
    };

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private IResult Ok(JsonObject body) => Answer(HttpStatusCode.OK, body);

    private IResult Error(HttpStatusCode status, string code, string message, string? inner = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (inner is not null)
        {
            error["innererror"] = new JsonObject { ["code"] = inner };
        }

        return Answer(status, new JsonObject { ["error"] = error });
    }

    private IResult Answer(HttpStatusCode status, JsonObject body)
    {
        var text = body.ToJsonString();
        Answers.Enqueue(text);
        return Results.Content(text, "application/json; charset=utf-8", statusCode: (int)status);
    }

    private sealed record SecretVersion(string Id, string Value, string? ContentType, Dictionary<string, string> Tags, DateTimeOffset Created);
}
