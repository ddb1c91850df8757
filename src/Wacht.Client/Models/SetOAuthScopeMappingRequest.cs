namespace Wacht.Client;

/// <summary>
/// The JSON body of setOAuthScopeMapping. <see cref="Category"/> is one of <see cref="ScopeCategories"/>
/// (<c>personal</c>, <c>organization</c>, <c>workspace</c>); <c>organization</c> takes only
/// <see cref="OrganizationPermission"/>, <c>workspace</c> only <see cref="WorkspacePermission"/>. Once set, the
/// server treats category and permissions as immutable.
/// </summary>
public sealed record SetOAuthScopeMappingRequest
{
    public required string Category { get; init; }

    public string? OrganizationPermission { get; init; }

    public string? WorkspacePermission { get; init; }
}
