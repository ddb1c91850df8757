namespace Wacht.Client;

/// <summary>
/// The definition of one scope of an OAuth app. Used in responses and, for createOAuthApp and updateOAuthApp,
/// in requests (the server turns an empty <see cref="DisplayName"/> into the scope itself and an empty
/// <see cref="Description"/> into <c>Allows &lt;scope&gt; access</c>).
/// </summary>
public sealed record ScopeDefinition
{
    public required string Scope { get; init; }

    public string DisplayName { get; init; } = "";

    public string Description { get; init; } = "";

    public bool Archived { get; init; }

    /// <summary>One of <see cref="ScopeCategories"/>; empty while the scope is unmapped.</summary>
    public string Category { get; init; } = ScopeCategories.Unmapped;

    public string? OrganizationPermission { get; init; }

    public string? WorkspacePermission { get; init; }
}
