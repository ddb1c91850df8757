namespace Wacht.Worker.Contracts;

/// <summary>The kinds of <see cref="GrantAuditFinding"/>. Every finding is about a grant whose status is <c>active</c>.</summary>
public static class FindingKinds
{
    /// <summary><c>expires_at</c> has passed but the grant is still active (expiry is only a timestamp on Wacht).</summary>
    public const string ExpiredButActive = "ExpiredButActive";

    /// <summary>The grant holds a scope that is not in the app's <c>supported_scopes</c>.</summary>
    public const string ScopeNotSupported = "ScopeNotSupported";

    /// <summary>The grant holds a scope whose definition is archived.</summary>
    public const string ScopeArchived = "ScopeArchived";

    /// <summary>The grant's client is deactivated.</summary>
    public const string ClientInactive = "ClientInactive";

    /// <summary>The grant's app is inactive.</summary>
    public const string AppInactive = "AppInactive";

    /// <summary>The grant was granted longer ago than the configured maximum grant age (off by default).</summary>
    public const string OlderThanMaxAge = "OlderThanMaxAge";

    /// <summary>Every kind, in report order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [ExpiredButActive, ScopeNotSupported, ScopeArchived, ClientInactive, AppInactive, OlderThanMaxAge];
}
