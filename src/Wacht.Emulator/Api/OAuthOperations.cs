namespace Wacht.Emulator;

/// <summary>The contract's SDK method names, used as operation names for call counts and fault rules.</summary>
public static class OAuthOperations
{
    public const string Any = "*";
    public const string ListOAuthApps = "listOAuthApps";
    public const string CreateOAuthApp = "createOAuthApp";
    public const string UpdateOAuthApp = "updateOAuthApp";
    public const string VerifyOAuthAppDomain = "verifyOAuthAppDomain";
    public const string UpdateOAuthScope = "updateOAuthScope";
    public const string ArchiveOAuthScope = "archiveOAuthScope";
    public const string UnarchiveOAuthScope = "unarchiveOAuthScope";
    public const string SetOAuthScopeMapping = "setOAuthScopeMapping";
    public const string ListOAuthClients = "listOAuthClients";
    public const string CreateOAuthClient = "createOAuthClient";
    public const string UpdateOAuthClient = "updateOAuthClient";
    public const string DeactivateOAuthClient = "deactivateOAuthClient";
    public const string RotateOAuthClientSecret = "rotateOAuthClientSecret";
    public const string ListOAuthGrants = "listOAuthGrants";
    public const string RevokeOAuthGrant = "revokeOAuthGrant";
    public const string ListOAuthAppSigningKeys = "listOAuthAppSigningKeys";
    public const string RotateOAuthAppSigningKey = "rotateOAuthAppSigningKey";
    public const string CompromiseOAuthAppSigningKey = "compromiseOAuthAppSigningKey";

    /// <summary>The deployment id under which requests that fail authentication are counted.</summary>
    public const string UnauthenticatedDeployment = "unauthenticated";

    public static IReadOnlyList<string> All { get; } =
    [
        ListOAuthApps, CreateOAuthApp, UpdateOAuthApp, VerifyOAuthAppDomain,
        UpdateOAuthScope, ArchiveOAuthScope, UnarchiveOAuthScope, SetOAuthScopeMapping,
        ListOAuthClients, CreateOAuthClient, UpdateOAuthClient, DeactivateOAuthClient, RotateOAuthClientSecret,
        ListOAuthGrants, RevokeOAuthGrant,
        ListOAuthAppSigningKeys, RotateOAuthAppSigningKey, CompromiseOAuthAppSigningKey,
    ];
}
