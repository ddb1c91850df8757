using System.Text.Json;

namespace Wacht.Emulator;

public sealed class SeedClient
{
    /// <summary>Record id (decimal string); generated when omitted.</summary>
    public string? Id { get; set; }

    /// <summary>Public client id; generated (<c>oc_</c> + 32 base64url chars) when omitted.</summary>
    public string? ClientId { get; set; }

    public string ClientAuthMethod { get; set; } = "client_secret_basic";

    /// <summary>Defaults to authorization_code + refresh_token.</summary>
    public IList<string>? GrantTypes { get; set; }

    public IList<string> RedirectUris { get; set; } = new List<string>();

    public string? ClientName { get; set; }

    public string? ClientUri { get; set; }

    public string? LogoUri { get; set; }

    public string? TosUri { get; set; }

    public string? PolicyUri { get; set; }

    public IList<string> Contacts { get; set; } = new List<string>();

    public string? SoftwareId { get; set; }

    public string? SoftwareVersion { get; set; }

    public string? TokenEndpointAuthSigningAlg { get; set; }

    public string? JwksUri { get; set; }

    public JsonElement? Jwks { get; set; }

    public string? PublicKeyPem { get; set; }

    public bool IsActive { get; set; } = true;

    public IList<string> PostLogoutRedirectUris { get; set; } = new List<string>();

    public string? IdTokenSigningAlg { get; set; }

    public string? AccessTokenFormat { get; set; }

    public int? AccessTokenTtlSeconds { get; set; }

    public bool SkipConsent { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>
    /// Test-only: a known current secret (only its hash is kept). When omitted a secret-using
    /// client gets a random secret nobody knows.
    /// </summary>
    public string? ClientSecret { get; set; }

    public IList<SeedGrant> Grants { get; set; } = new List<SeedGrant>();
}
