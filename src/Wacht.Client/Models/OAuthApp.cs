using System.Text.Json.Serialization;
using Wacht.Client.Serialization;

namespace Wacht.Client;

/// <summary>An OAuth app of a deployment (contract object <c>OAuthApp</c>).</summary>
public sealed record OAuthApp
{
    private IReadOnlyList<string> _supportedScopes = [];
    private IReadOnlyList<ScopeDefinition> _scopeDefinitions = [];

    /// <summary>The app's 64-bit id, as the decimal string the wire carries.</summary>
    [JsonConverter(typeof(WachtIdJsonConverter))]
    public required string Id { get; init; }

    public required string Slug { get; init; }

    public string Name { get; init; } = "";

    public string? Description { get; init; }

    public string? LogoUrl { get; init; }

    public string Fqdn { get; init; } = "";

    /// <summary>Trimmed, sorted and de-duplicated by the server. Never null.</summary>
    public IReadOnlyList<string> SupportedScopes
    {
        get => _supportedScopes;
        init => _supportedScopes = value ?? [];
    }

    /// <summary>One definition per supported scope, in the order of <see cref="SupportedScopes"/>. Never null.</summary>
    public IReadOnlyList<ScopeDefinition> ScopeDefinitions
    {
        get => _scopeDefinitions;
        init => _scopeDefinitions = value ?? [];
    }

    public bool AllowDynamicClientRegistration { get; init; }

    public bool IsActive { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
