namespace Wacht.Emulator;

public sealed class SeedScopeDefinition
{
    public required string Scope { get; set; }

    public string? DisplayName { get; set; }

    public string? Description { get; set; }

    public bool Archived { get; set; }

    /// <summary><c>""</c>, <c>personal</c>, <c>organization</c> or <c>workspace</c>.</summary>
    public string? Category { get; set; }

    public string? OrganizationPermission { get; set; }

    public string? WorkspacePermission { get; set; }
}
