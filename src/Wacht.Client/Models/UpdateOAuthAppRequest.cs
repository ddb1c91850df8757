namespace Wacht.Client;

/// <summary>
/// The JSON body of updateOAuthApp. Every field is optional and omitted when null. Setting
/// <see cref="SupportedScopes"/> REPLACES the list and drops definitions of scopes no longer listed
/// (archive a scope to retire it without losing its definition).
/// </summary>
public sealed record UpdateOAuthAppRequest
{
    public string? Name { get; init; }

    public string? Description { get; init; }

    public string? Fqdn { get; init; }

    public string? LogoUrl { get; init; }

    public IReadOnlyList<string>? SupportedScopes { get; init; }

    public IReadOnlyList<ScopeDefinition>? ScopeDefinitions { get; init; }

    public bool? AllowDynamicClientRegistration { get; init; }

    public bool? IsActive { get; init; }
}
