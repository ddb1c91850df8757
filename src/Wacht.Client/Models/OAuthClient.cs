using System.Text.Json;
using System.Text.Json.Serialization;
using Wacht.Client.Serialization;

namespace Wacht.Client;

/// <summary>An OAuth client of an app (contract object <c>OAuthClient</c>).</summary>
public record OAuthClient
{
    private IReadOnlyList<string> _grantTypes = [];
    private IReadOnlyList<string> _redirectUris = [];
    private IReadOnlyList<string> _contacts = [];
    private IReadOnlyList<string> _postLogoutRedirectUris = [];

    /// <summary>The client's record id (64-bit, decimal string). This is the <c>{oauth_client_id}</c> of the paths.</summary>
    [JsonConverter(typeof(WachtIdJsonConverter))]
    public required string Id { get; init; }

    [JsonPropertyName("oauth_app_id")]
    [JsonConverter(typeof(WachtIdJsonConverter))]
    public string OAuthAppId { get; init; } = "";

    /// <summary>The public OAuth <c>client_id</c> string (not usable in management paths).</summary>
    public required string ClientId { get; init; }

    /// <summary>One of <see cref="ClientAuthMethods"/> (kept as a string so that future values still deserialise).</summary>
    public string ClientAuthMethod { get; init; } = "";

    public IReadOnlyList<string> GrantTypes
    {
        get => _grantTypes;
        init => _grantTypes = value ?? [];
    }

    public IReadOnlyList<string> RedirectUris
    {
        get => _redirectUris;
        init => _redirectUris = value ?? [];
    }

    public string? ClientName { get; init; }

    public string? ClientUri { get; init; }

    public string? LogoUri { get; init; }

    public string? TosUri { get; init; }

    public string? PolicyUri { get; init; }

    public IReadOnlyList<string> Contacts
    {
        get => _contacts;
        init => _contacts = value ?? [];
    }

    public string? SoftwareId { get; init; }

    public string? SoftwareVersion { get; init; }

    public string? TokenEndpointAuthSigningAlg { get; init; }

    public string? JwksUri { get; init; }

    /// <summary>The client's JWKS document, as sent by the server (usually <c>{"keys":[...]}</c>).</summary>
    public JsonElement? Jwks { get; init; }

    public string? PublicKeyPem { get; init; }

    public bool IsActive { get; init; }

    public IReadOnlyList<string> PostLogoutRedirectUris
    {
        get => _postLogoutRedirectUris;
        init => _postLogoutRedirectUris = value ?? [];
    }

    public string IdTokenSigningAlg { get; init; } = "";

    /// <summary>One of <see cref="AccessTokenFormats"/>.</summary>
    public string AccessTokenFormat { get; init; } = "";

    public int AccessTokenTtlSeconds { get; init; }

    public bool SkipConsent { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
