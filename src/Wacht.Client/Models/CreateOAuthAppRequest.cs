namespace Wacht.Client;

/// <summary>
/// The fields of createOAuthApp, sent as multipart/form-data: <c>slug</c>, <c>name</c>, <c>description</c>,
/// <c>fqdn</c>, <c>supported_scopes</c> (comma-separated), <c>scope_definitions</c> (JSON array as text),
/// <c>allow_dynamic_client_registration</c> (<c>true</c>/<c>false</c>) and <c>logo</c> (file). Null or empty
/// optional fields are not sent.
/// </summary>
public sealed record CreateOAuthAppRequest
{
    public required string Slug { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public string? Fqdn { get; init; }

    public IReadOnlyList<string>? SupportedScopes { get; init; }

    public IReadOnlyList<ScopeDefinition>? ScopeDefinitions { get; init; }

    public bool? AllowDynamicClientRegistration { get; init; }

    public OAuthAppLogo? Logo { get; init; }
}
