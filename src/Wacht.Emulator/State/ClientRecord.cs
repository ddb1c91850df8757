using System.Text.Json;

namespace Wacht.Emulator;

internal sealed class ClientRecord
{
    public required long Id { get; init; }

    public required AppRecord App { get; init; }

    public required DeploymentState Deployment { get; init; }

    public required string ClientId { get; init; }

    public required string ClientAuthMethod { get; set; }

    public List<string> GrantTypes { get; set; } = [];

    public List<string> RedirectUris { get; set; } = [];

    public string? ClientName { get; set; }

    public string? ClientUri { get; set; }

    public string? LogoUri { get; set; }

    public string? TosUri { get; set; }

    public string? PolicyUri { get; set; }

    public List<string> Contacts { get; set; } = [];

    public string? SoftwareId { get; set; }

    public string? SoftwareVersion { get; set; }

    public string? TokenEndpointAuthSigningAlg { get; set; }

    public string? JwksUri { get; set; }

    public JsonElement? Jwks { get; set; }

    public string? PublicKeyPem { get; set; }

    public bool IsActive { get; set; } = true;

    public List<string> PostLogoutRedirectUris { get; set; } = [];

    public string IdTokenSigningAlg { get; set; } = "RS256";

    public string AccessTokenFormat { get; set; } = "opaque";

    public int AccessTokenTtlSeconds { get; set; } = 3600;

    public bool SkipConsent { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>SHA-256 of the current secret; null for auth methods without a secret.</summary>
    public byte[]? SecretHash { get; private set; }

    /// <summary>
    /// The current secret itself, kept only to verify <c>client_secret_jwt</c> assertions (HMAC needs the key). The
    /// platform keeps an encrypted copy for the same reason (<c>client_secret_encrypted</c>); never on the wire.
    /// </summary>
    public string? AssertionKey { get; private set; }

    /// <summary>Makes <paramref name="secret"/> the current secret (null: the client has none).</summary>
    public void SetSecret(string? secret)
    {
        SecretHash = secret is null ? null : ClientSecrets.Hash(secret);
        AssertionKey = secret;
    }

    /// <summary>Grants, newest first.</summary>
    public List<GrantRecord> Grants { get; } = [];

    public Dictionary<long, GrantRecord> GrantsById { get; } = [];
}
