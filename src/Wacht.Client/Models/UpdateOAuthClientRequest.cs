using System.Text.Json;

namespace Wacht.Client;

/// <summary>The JSON body of updateOAuthClient; every field is optional and omitted when null.</summary>
public sealed record UpdateOAuthClientRequest
{
    public string? ClientAuthMethod { get; init; }

    public IReadOnlyList<string>? GrantTypes { get; init; }

    public IReadOnlyList<string>? RedirectUris { get; init; }

    public string? ClientName { get; init; }

    public string? ClientUri { get; init; }

    public string? LogoUri { get; init; }

    public string? TosUri { get; init; }

    public string? PolicyUri { get; init; }

    public IReadOnlyList<string>? Contacts { get; init; }

    public string? SoftwareId { get; init; }

    public string? SoftwareVersion { get; init; }

    public string? TokenEndpointAuthSigningAlg { get; init; }

    public string? JwksUri { get; init; }

    public JsonElement? Jwks { get; init; }

    public string? PublicKeyPem { get; init; }

    public IReadOnlyList<string>? PostLogoutRedirectUris { get; init; }

    public string? IdTokenSigningAlg { get; init; }

    /// <summary>One of <see cref="AccessTokenFormats"/>; other values answer 400.</summary>
    public string? AccessTokenFormat { get; init; }

    /// <summary>60..86400; other values answer 400.</summary>
    public int? AccessTokenTtlSeconds { get; init; }

    public bool? SkipConsent { get; init; }
}
