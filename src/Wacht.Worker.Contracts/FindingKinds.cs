namespace Wacht.Worker.Contracts;

/// <summary>
/// The kinds of audit findings. The grant kinds (<see cref="Grant"/>) are <see cref="GrantAuditFinding"/>s, each about a
/// grant whose status is <c>active</c>; the credential kinds (<see cref="Credential"/>) are
/// <see cref="CredentialAuditFinding"/>s, about an app's signing keys or a client's secret.
/// </summary>
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

    /// <summary>The active app lists no active signing key (the platform signs with the active key and provisions one when there is none).</summary>
    public const string SigningKeyMissing = "SigningKeyMissing";

    /// <summary>
    /// A signing key the worker marked compromised (its ledger's history) is still listed, as active or retired, or a
    /// listed key says <c>compromised</c>: the platform should have stopped publishing it, so tokens it signed may still verify.
    /// </summary>
    public const string CompromisedSigningKeyListed = "CompromisedSigningKeyListed";

    /// <summary>
    /// An active client with a secret that this worker's ledger has never rotated, created longer ago than the rotation
    /// sweep's maximum secret age: it is also due for rotation (the finding names the sweep's command id).
    /// </summary>
    public const string SecretNeverRotated = "SecretNeverRotated";

    /// <summary>The kinds of <see cref="GrantAuditFinding"/>, in report order (only these can be remediated by revoking the grant).</summary>
    public static IReadOnlyList<string> Grant { get; } =
        [ExpiredButActive, ScopeNotSupported, ScopeArchived, ClientInactive, AppInactive, OlderThanMaxAge];

    /// <summary>The kinds of <see cref="CredentialAuditFinding"/>, in report order.</summary>
    public static IReadOnlyList<string> Credential { get; } = [SigningKeyMissing, CompromisedSigningKeyListed, SecretNeverRotated];

    /// <summary>Every kind, in report order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Grant, .. Credential];
}
