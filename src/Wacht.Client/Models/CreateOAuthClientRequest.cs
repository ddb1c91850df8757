using System.Text.Json;

namespace Wacht.Client;

/// <summary>The JSON body of createOAuthClient; null fields are omitted.</summary>
public sealed record CreateOAuthClientRequest
{
    /// <summary>One of <see cref="ClientAuthMethods"/>.</summary>
    public required string ClientAuthMethod { get; init; }

    /// <summary>See <see cref="Client.GrantTypes"/> for common values.</summary>
    public required IReadOnlyList<string> GrantTypes { get; init; }

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

    /// <summary>A JWKS document (<c>{"keys":[...]}</c>).</summary>
    public JsonElement? Jwks { get; init; }

    public string? PublicKeyPem { get; init; }

    public IReadOnlyList<string>? PostLogoutRedirectUris { get; init; }

    public string? IdTokenSigningAlg { get; init; }

    /// <summary>One of <see cref="AccessTokenFormats"/>.</summary>
    public string? AccessTokenFormat { get; init; }

    /// <summary>60..86400.</summary>
    public int? AccessTokenTtlSeconds { get; init; }

    public bool? SkipConsent { get; init; }
}
