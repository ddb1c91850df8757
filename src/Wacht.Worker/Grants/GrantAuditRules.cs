using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Wacht.Client;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Grants;

/// <summary>One thing wrong with a grant, as <see cref="GrantAuditRules.Evaluate"/> finds it.</summary>
/// <param name="Kind">One of <see cref="FindingKinds"/>.</param>
/// <param name="Detail">Deterministic text (sorted scope lists, invariant ISO-8601 UTC times), so its hash is stable between runs.</param>
public sealed record GrantRuleFinding(string Kind, string Detail);

/// <summary>
/// The audit's rules, pure: the same app, client, grant, instant and options always give the same findings, in
/// <see cref="FindingKinds.All"/> order. Only grants whose status is <c>active</c> produce findings.
/// </summary>
public static class GrantAuditRules
{
    /// <summary>Every finding of one grant at <paramref name="now"/> (empty for a revoked grant).</summary>
    public static IReadOnlyList<GrantRuleFinding> Evaluate(
        OAuthApp app, OAuthClient client, OAuthGrant grant, DateTimeOffset now, GrantAuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(grant.Status, GrantStatuses.Active, StringComparison.Ordinal))
        {
            return [];
        }

        var findings = new List<GrantRuleFinding>();

        // The platform keeps an expired grant "active": expiry is only a timestamp. Expiring exactly now counts.
        if (grant.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            findings.Add(new GrantRuleFinding(FindingKinds.ExpiredButActive, $"expired {Format(expiresAt)}"));
        }

        var unsupported = grant.Scopes.Where(s => !app.SupportedScopes.Contains(s, StringComparer.Ordinal)).ToList();
        if (unsupported.Count > 0)
        {
            findings.Add(new GrantRuleFinding(FindingKinds.ScopeNotSupported, $"scopes not supported: {List(unsupported)}"));
        }

        var archived = grant.Scopes
            .Where(s => app.ScopeDefinitions.Any(d => d.Archived && string.Equals(d.Scope, s, StringComparison.Ordinal)))
            .ToList();
        if (archived.Count > 0)
        {
            findings.Add(new GrantRuleFinding(FindingKinds.ScopeArchived, $"scopes archived: {List(archived)}"));
        }

        if (!client.IsActive)
        {
            findings.Add(new GrantRuleFinding(FindingKinds.ClientInactive, $"client {client.ClientId} is inactive"));
        }

        if (!app.IsActive)
        {
            findings.Add(new GrantRuleFinding(FindingKinds.AppInactive, $"app {app.Slug} is inactive"));
        }

        // "Older than": a grant exactly MaxGrantAge old is not yet a finding.
        if (options.MaxGrantAge is { } maxAge && grant.GrantedAt < now - maxAge)
        {
            findings.Add(new GrantRuleFinding(
                FindingKinds.OlderThanMaxAge,
                $"granted {Format(grant.GrantedAt)}, older than {maxAge.ToString("c", CultureInfo.InvariantCulture)}"));
        }

        return findings;
    }

    /// <summary>The hash the ledger keeps of a finding's detail: lowercase hex SHA-256 of its UTF-8 text.</summary>
    public static string HashDetail(string detail) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(detail)));

    /// <summary>Invariant ISO-8601 UTC, e.g. <c>2026-10-01T08:00:00Z</c> (fractional seconds only when there are any).</summary>
    public static string Format(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static string List(IEnumerable<string> scopes) =>
        string.Join(", ", scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
}
