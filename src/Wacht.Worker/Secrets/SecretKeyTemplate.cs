using System.Text;

namespace Wacht.Worker.Secrets;

/// <summary>
/// A destination key template such as <c>{deploymentId}/{appSlug}/{clientId}.json</c>. Placeholders (case-insensitive):
/// <c>{deploymentId}</c>, <c>{appSlug}</c>, <c>{oauthClientId}</c>, <c>{clientId}</c>; no other braces. A template
/// names at least one of the client's ids, so that every client gets its own key.
/// </summary>
public static class SecretKeyTemplate
{
    public const string DeploymentId = "deploymentId";
    public const string AppSlug = "appSlug";
    public const string OAuthClientId = "oauthClientId";
    public const string ClientId = "clientId";

    private static readonly string[] Placeholders = [DeploymentId, AppSlug, OAuthClientId, ClientId];

    /// <summary>A target with valid-looking values, for checking a template against a destination at start.</summary>
    public static SecretTarget SampleTarget { get; } = new("7283910238471", "sample-app", "7283910238471000001", "oc_c2FtcGxlLWNsaWVudA");

    /// <summary>Null when the template is well formed, else what is wrong with it.</summary>
    public static string? Validate(string? template)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            return "is empty";
        }

        var namesClient = false;
        foreach (var part in Parse(template))
        {
            if (part.Problem is not null)
            {
                return part.Problem;
            }

            namesClient |= part.Placeholder is ClientId or OAuthClientId;
        }

        return namesClient ? null : "names neither {clientId} nor {oauthClientId}, so every client would share one key";
    }

    /// <summary>
    /// Expands the template. <paramref name="checkValue"/> sees each placeholder's name and value first and throws a
    /// <see cref="SecretKeyException"/> for a value the destination cannot carry verbatim.
    /// </summary>
    public static string Expand(string template, SecretTarget target, Action<string, string> checkValue)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(checkValue);
        if (Validate(template) is { } problem)
        {
            throw new SecretKeyException($"The key template '{SecretKeyException.Printable(template)}' {problem}.", nameof(template));
        }

        var key = new StringBuilder();
        foreach (var part in Parse(template))
        {
            if (part.Placeholder is null)
            {
                key.Append(part.Literal);
                continue;
            }

            var value = part.Placeholder switch
            {
                DeploymentId => target.DeploymentId,
                AppSlug => target.AppSlug,
                OAuthClientId => target.OAuthClientId,
                _ => target.ClientId,
            } ?? "";
            checkValue(part.Placeholder, value);
            key.Append(value);
        }

        return key.ToString();
    }

    private static IEnumerable<Part> Parse(string template)
    {
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOfAny(['{', '}'], i);
            if (open < 0)
            {
                yield return new Part(template[i..], null, null);
                yield break;
            }

            if (open > i)
            {
                yield return new Part(template[i..open], null, null);
            }

            if (template[open] == '}')
            {
                yield return new Part("", null, $"has a '}}' at position {open} without a matching '{{'");
                yield break;
            }

            var close = template.IndexOf('}', open + 1);
            if (close < 0)
            {
                yield return new Part("", null, $"has a '{{' at position {open} that is never closed");
                yield break;
            }

            var name = template[(open + 1)..close];
            var placeholder = Placeholders.FirstOrDefault(p => string.Equals(p, name, StringComparison.OrdinalIgnoreCase));
            if (placeholder is null)
            {
                yield return new Part("", null, $"has an unknown placeholder {{{SecretKeyException.Printable(name)}}} (known: {{deploymentId}}, {{appSlug}}, {{oauthClientId}}, {{clientId}})");
                yield break;
            }

            yield return new Part("", placeholder, null);
            i = close + 1;
        }
    }

    private sealed record Part(string Literal, string? Placeholder, string? Problem);
}
