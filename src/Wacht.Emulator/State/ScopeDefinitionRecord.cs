namespace Wacht.Emulator;

internal sealed class ScopeDefinitionRecord
{
    public required string Scope { get; init; }

    public required string DisplayName { get; set; }

    public required string Description { get; set; }

    public bool Archived { get; set; }

    /// <summary><c>""</c>, <c>personal</c>, <c>organization</c> or <c>workspace</c>.</summary>
    public string Category { get; set; } = "";

    public string? OrganizationPermission { get; set; }

    public string? WorkspacePermission { get; set; }
}
