namespace Wacht.Client;

/// <summary>
/// The 18 endpoints of the contract and their retry classification.
/// Idempotent (retried on transient failures): reads, updates (PATCH sets fields to given values), verify-domain,
/// scope update/archive/unarchive/mapping, revoke grant, and deactivate client (a retried deactivate that answers 404
/// is reported as success, see <see cref="WachtClient"/>).
/// Not idempotent (never retried once the request may have reached the server): create app, create client,
/// rotate secret, rotate signing key, compromise signing key.
/// </summary>
internal static class WachtOperations
{
    public static readonly WachtOperation ListOAuthApps = new("listOAuthApps", IsIdempotent: true);
    public static readonly WachtOperation CreateOAuthApp = new("createOAuthApp", IsIdempotent: false);
    public static readonly WachtOperation UpdateOAuthApp = new("updateOAuthApp", IsIdempotent: true);
    public static readonly WachtOperation VerifyOAuthAppDomain = new("verifyOAuthAppDomain", IsIdempotent: true);
    public static readonly WachtOperation UpdateOAuthScope = new("updateOAuthScope", IsIdempotent: true);
    public static readonly WachtOperation ArchiveOAuthScope = new("archiveOAuthScope", IsIdempotent: true);
    public static readonly WachtOperation UnarchiveOAuthScope = new("unarchiveOAuthScope", IsIdempotent: true);
    public static readonly WachtOperation SetOAuthScopeMapping = new("setOAuthScopeMapping", IsIdempotent: true);
    public static readonly WachtOperation ListOAuthClients = new("listOAuthClients", IsIdempotent: true);
    public static readonly WachtOperation CreateOAuthClient = new("createOAuthClient", IsIdempotent: false);
    public static readonly WachtOperation UpdateOAuthClient = new("updateOAuthClient", IsIdempotent: true);
    public static readonly WachtOperation DeactivateOAuthClient = new("deactivateOAuthClient", IsIdempotent: true);
    public static readonly WachtOperation RotateOAuthClientSecret = new("rotateOAuthClientSecret", IsIdempotent: false);
    public static readonly WachtOperation ListOAuthGrants = new("listOAuthGrants", IsIdempotent: true);
    public static readonly WachtOperation RevokeOAuthGrant = new("revokeOAuthGrant", IsIdempotent: true);
    public static readonly WachtOperation ListOAuthAppSigningKeys = new("listOAuthAppSigningKeys", IsIdempotent: true);
    public static readonly WachtOperation RotateOAuthAppSigningKey = new("rotateOAuthAppSigningKey", IsIdempotent: false);
    public static readonly WachtOperation CompromiseOAuthAppSigningKey = new("compromiseOAuthAppSigningKey", IsIdempotent: false);

    public static IReadOnlyList<WachtOperation> All { get; } =
    [
        ListOAuthApps, CreateOAuthApp, UpdateOAuthApp, VerifyOAuthAppDomain, UpdateOAuthScope, ArchiveOAuthScope,
        UnarchiveOAuthScope, SetOAuthScopeMapping, ListOAuthClients, CreateOAuthClient, UpdateOAuthClient,
        DeactivateOAuthClient, RotateOAuthClientSecret, ListOAuthGrants, RevokeOAuthGrant, ListOAuthAppSigningKeys,
        RotateOAuthAppSigningKey, CompromiseOAuthAppSigningKey,
    ];
}
