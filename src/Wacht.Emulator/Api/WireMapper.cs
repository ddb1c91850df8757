using System.Globalization;

namespace Wacht.Emulator;

/// <summary>Snapshots records into wire shapes. Call under the deployment lock (lists are copied).</summary>
internal static class WireMapper
{
    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    public static WireApp ToWire(AppRecord app) => new(
        Id(app.Id),
        app.Slug,
        app.Name,
        app.Description,
        app.LogoUrl,
        app.Fqdn,
        [.. app.SupportedScopes],
        [.. app.ScopeDefinitions.Select(d => new WireScopeDefinition(
            d.Scope, d.DisplayName, d.Description, d.Archived, d.Category, d.OrganizationPermission, d.WorkspacePermission))],
        app.AllowDynamicClientRegistration,
        app.IsActive,
        Timestamps.Format(app.CreatedAt),
        Timestamps.Format(app.UpdatedAt));

    public static WireClient ToWire(ClientRecord client, string? clientSecret = null) => new(
        Id(client.Id),
        Id(client.App.Id),
        client.ClientId,
        client.ClientAuthMethod,
        [.. client.GrantTypes],
        [.. client.RedirectUris],
        client.ClientName,
        client.ClientUri,
        client.LogoUri,
        client.TosUri,
        client.PolicyUri,
        [.. client.Contacts],
        client.SoftwareId,
        client.SoftwareVersion,
        client.TokenEndpointAuthSigningAlg,
        client.JwksUri,
        client.Jwks,
        client.PublicKeyPem,
        client.IsActive,
        [.. client.PostLogoutRedirectUris],
        client.IdTokenSigningAlg,
        client.AccessTokenFormat,
        client.AccessTokenTtlSeconds,
        client.SkipConsent,
        Timestamps.Format(client.CreatedAt),
        Timestamps.Format(client.UpdatedAt),
        clientSecret);

    public static WireGrant ToWire(GrantRecord grant) => new(
        Id(grant.Id),
        grant.ApiAuthAppSlug,
        Id(grant.OauthClientId),
        grant.Resource,
        [.. grant.Scopes],
        grant.Status,
        Timestamps.Format(grant.GrantedAt),
        Timestamps.Format(grant.ExpiresAt),
        Timestamps.Format(grant.RevokedAt),
        grant.GrantedByUserId is { } user ? Id(user) : null,
        Timestamps.Format(grant.CreatedAt),
        Timestamps.Format(grant.UpdatedAt));

    public static WireSigningKey ToWire(SigningKeyRecord key) => new(key.Kid, key.Algorithm, key.Status, key.PublicKeyPem);
}
