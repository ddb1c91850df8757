namespace Wacht.Emulator;

/// <summary>
/// Operation names for call counts, fault rules and holds: the contract's SDK method names for the 18 management
/// endpoints (<see cref="All"/>), and <see cref="OAuthIntrospect"/> / <see cref="OAuthRevoke"/> for the app runtime
/// endpoints served on each app's fqdn (<see cref="Runtime"/>; named after the platform's handlers, the SDK has none).
/// </summary>
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

    /// <summary><c>POST https://{fqdn}/oauth/introspect</c> (RFC 7662).</summary>
    public const string OAuthIntrospect = "oauthIntrospect";

    /// <summary><c>POST https://{fqdn}/oauth/revoke</c> (RFC 7009).</summary>
    public const string OAuthRevoke = "oauthRevoke";

    /// <summary>The deployment id under which requests that fail authentication are counted.</summary>
    public const string UnauthenticatedDeployment = "unauthenticated";

    /// <summary>The deployment id under which runtime requests whose Host is no app's fqdn are counted.</summary>
    public const string UnknownHostDeployment = "unknown_host";

    /// <summary>The 18 management endpoints.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ListOAuthApps, CreateOAuthApp, UpdateOAuthApp, VerifyOAuthAppDomain,
        UpdateOAuthScope, ArchiveOAuthScope, UnarchiveOAuthScope, SetOAuthScopeMapping,
        ListOAuthClients, CreateOAuthClient, UpdateOAuthClient, DeactivateOAuthClient, RotateOAuthClientSecret,
        ListOAuthGrants, RevokeOAuthGrant,
        ListOAuthAppSigningKeys, RotateOAuthAppSigningKey, CompromiseOAuthAppSigningKey,
    ];

    /// <summary>The app runtime endpoints.</summary>
    public static IReadOnlyList<string> Runtime { get; } = [OAuthIntrospect, OAuthRevoke];

    /// <summary>True for a management or runtime operation name (not <c>*</c>).</summary>
    public static bool IsKnown(string operation) => All.Contains(operation) || Runtime.Contains(operation);
}
