using System.Text.Json;
using System.Text.Json.Serialization;

namespace Wacht.Emulator;

// The emulator's own wire shapes (independent of Wacht.Client on purpose: the emulator is the test oracle).
// Absent optional fields: OAuthApp/OAuthClient/OAuthGrant optionals are written as null (the platform's
// serde Option fields without skip_serializing_if); ScopeDefinition permissions, granted_by_user_id and
// client_secret are omitted (skip_serializing_if = "Option::is_none" on the platform).

internal sealed record WireApp(
    string Id,
    string Slug,
    string Name,
    string? Description,
    string? LogoUrl,
    string Fqdn,
    IReadOnlyList<string> SupportedScopes,
    IReadOnlyList<WireScopeDefinition> ScopeDefinitions,
    bool AllowDynamicClientRegistration,
    bool IsActive,
    string CreatedAt,
    string UpdatedAt);

internal sealed record WireScopeDefinition(
    string Scope,
    string DisplayName,
    string Description,
    bool Archived,
    string Category,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OrganizationPermission,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? WorkspacePermission);

internal sealed record WireClient(
    string Id,
    string OauthAppId,
    string ClientId,
    string ClientAuthMethod,
    IReadOnlyList<string> GrantTypes,
    IReadOnlyList<string> RedirectUris,
    string? ClientName,
    string? ClientUri,
    string? LogoUri,
    string? TosUri,
    string? PolicyUri,
    IReadOnlyList<string> Contacts,
    string? SoftwareId,
    string? SoftwareVersion,
    string? TokenEndpointAuthSigningAlg,
    string? JwksUri,
    JsonElement? Jwks,
    string? PublicKeyPem,
    bool IsActive,
    IReadOnlyList<string> PostLogoutRedirectUris,
    string IdTokenSigningAlg,
    string AccessTokenFormat,
    int AccessTokenTtlSeconds,
    bool SkipConsent,
    string CreatedAt,
    string UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientSecret);

internal sealed record WireGrant(
    string Id,
    string ApiAuthAppSlug,
    string OauthClientId,
    string Resource,
    IReadOnlyList<string> Scopes,
    string Status,
    string GrantedAt,
    string? ExpiresAt,
    string? RevokedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? GrantedByUserId,
    string CreatedAt,
    string UpdatedAt);

internal sealed record WireSigningKey(string Kid, string Algorithm, string Status, string PublicKeyPem);

internal sealed record WireDomainVerification(string Domain, string CnameTarget, bool Verified);

internal sealed record WireAppList(IReadOnlyList<WireApp> Apps);

internal sealed record WireClientList(IReadOnlyList<WireClient> Clients);

internal sealed record WireGrantList(IReadOnlyList<WireGrant> Grants);

internal sealed record WireSigningKeyList(IReadOnlyList<WireSigningKey> Keys);

internal sealed record WireRotatedSigningKey(WireSigningKey New);

internal sealed record WireClientSecret(string ClientSecret);

internal sealed record WireEmpty;

internal sealed record WireError(string Message, int Code);

internal sealed record WireErrorEnvelope(IReadOnlyList<WireError> Errors);

// App runtime endpoints (OAuth form, not the management envelope).
internal sealed record WireOAuthError(
    string Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorDescription);

internal sealed record WireIntrospection(bool Active);

internal sealed record WireRevocation(bool Revoked);

// Test surface.
internal sealed record WireHealth(string Status);

internal sealed record WireSecretVerification(bool Valid);

internal sealed record WireCallCount(string DeploymentId, string Operation, int Count);

internal sealed record WireCalls(IReadOnlyList<WireCallCount> Calls);

internal sealed record WireFaultRules(IReadOnlyList<FaultRule> Rules);

internal sealed record WireDeploymentSummary(string Id, string? Name, string Mode, int Apps, int Clients, int Grants);

internal sealed record WireDeploymentSummaries(IReadOnlyList<WireDeploymentSummary> Deployments);

internal sealed record WireHolds(IReadOnlyList<HoldRule> Rules, IReadOnlyList<HeldCall> Held);

internal sealed record WireReleased(IReadOnlyList<ReleasedCall> Released);
