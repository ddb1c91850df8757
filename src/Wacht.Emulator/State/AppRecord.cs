namespace Wacht.Emulator;

internal sealed class AppRecord
{
    public required long Id { get; init; }

    public required string Slug { get; init; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public string? LogoUrl { get; set; }

    public required string Fqdn { get; set; }

    public List<string> SupportedScopes { get; set; } = [];

    public List<ScopeDefinitionRecord> ScopeDefinitions { get; set; } = [];

    public bool AllowDynamicClientRegistration { get; set; }

    public bool IsActive { get; set; } = true;

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string CnameTarget { get; set; } = "oauth.wacht.services";

    public bool DomainVerified { get; set; }

    /// <summary>Clients in creation order.</summary>
    public List<ClientRecord> Clients { get; } = [];

    public Dictionary<long, ClientRecord> ClientsById { get; } = [];

    /// <summary>Null until first used: keys are generated lazily so big seeds load fast.</summary>
    public List<SigningKeyRecord>? SigningKeys { get; set; }
}
