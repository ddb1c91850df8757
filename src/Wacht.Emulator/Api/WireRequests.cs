using System.Text.Json;

namespace Wacht.Emulator;

// Request bodies. Like serde with Option<T>, an absent field and a null field mean the same: "unchanged".
// Unknown fields are ignored (serde's default).

internal sealed class WireScopeDefinitionInput
{
    public string? Scope { get; set; }

    public string? DisplayName { get; set; }

    public string? Description { get; set; }

    public bool? Archived { get; set; }

    public string? Category { get; set; }

    public string? OrganizationPermission { get; set; }

    public string? WorkspacePermission { get; set; }
}

/// <summary>
/// updateOAuthApp. The platform handler takes name, description, supported_scopes, scope_definitions,
/// allow_dynamic_client_registration and is_active; the emulator also accepts fqdn and logo_url
/// (best reading of the console's form), which the SDK never sends.
/// </summary>
internal sealed class WireUpdateAppRequest
{
    public string? Name { get; set; }

    public string? Description { get; set; }

    public string? Fqdn { get; set; }

    public string? LogoUrl { get; set; }

    public List<string>? SupportedScopes { get; set; }

    public List<WireScopeDefinitionInput>? ScopeDefinitions { get; set; }

    public bool? AllowDynamicClientRegistration { get; set; }

    public bool? IsActive { get; set; }
}

internal sealed class WireUpdateScopeRequest
{
    public string? DisplayName { get; set; }

    public string? Description { get; set; }
}

internal sealed class WireScopeMappingRequest
{
    public string? Category { get; set; }

    public string? OrganizationPermission { get; set; }

    public string? WorkspacePermission { get; set; }
}

/// <summary>createOAuthClient and updateOAuthClient (every field optional on update).</summary>
internal sealed class WireClientRequest
{
    public string? ClientAuthMethod { get; set; }

    public List<string>? GrantTypes { get; set; }

    public List<string>? RedirectUris { get; set; }

    public string? ClientName { get; set; }

    public string? ClientUri { get; set; }

    public string? LogoUri { get; set; }

    public string? TosUri { get; set; }

    public string? PolicyUri { get; set; }

    public List<string>? Contacts { get; set; }

    public string? SoftwareId { get; set; }

    public string? SoftwareVersion { get; set; }

    public string? TokenEndpointAuthSigningAlg { get; set; }

    public string? JwksUri { get; set; }

    public JsonElement? Jwks { get; set; }

    public string? PublicKeyPem { get; set; }

    public List<string>? PostLogoutRedirectUris { get; set; }

    public string? IdTokenSigningAlg { get; set; }

    public string? AccessTokenFormat { get; set; }

    public int? AccessTokenTtlSeconds { get; set; }

    public bool? SkipConsent { get; set; }
}

internal sealed class WireVerifySecretRequest
{
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }
}

internal sealed class WireFaultRulesRequest
{
    public List<FaultRule>? Rules { get; set; }
}

/// <summary><c>POST /_emulator/holds/release</c>: one held call by id, or all when the id is absent.</summary>
internal sealed class WireReleaseRequest
{
    public long? Id { get; set; }
}
