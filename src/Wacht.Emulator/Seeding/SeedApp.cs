namespace Wacht.Emulator;

public sealed class SeedApp
{
    public string? Id { get; set; }

    public required string Slug { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public string? LogoUrl { get; set; }

    /// <summary>Defaults to <c>&lt;slug&gt;.oauth.example.com</c>.</summary>
    public string? Fqdn { get; set; }

    /// <summary>Normalised on load like the platform does (trim, drop empty, sort ordinal, de-duplicate).</summary>
    public IList<string> SupportedScopes { get; set; } = new List<string>();

    /// <summary>Completed on load: exactly one definition per supported scope, defaults filled in.</summary>
    public IList<SeedScopeDefinition> ScopeDefinitions { get; set; } = new List<SeedScopeDefinition>();

    public bool AllowDynamicClientRegistration { get; set; }

    public bool IsActive { get; set; } = true;

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>What verifyOAuthAppDomain answers.</summary>
    public SeedDomainVerification? DomainVerification { get; set; }

    /// <summary>Optional signing keys; when empty one active key is generated on first use.</summary>
    public IList<SeedSigningKey> SigningKeys { get; set; } = new List<SeedSigningKey>();

    public IList<SeedClient> Clients { get; set; } = new List<SeedClient>();
}
