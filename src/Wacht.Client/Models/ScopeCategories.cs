namespace Wacht.Client;

/// <summary>Known values of <see cref="ScopeDefinition.Category"/>.</summary>
public static class ScopeCategories
{
    /// <summary>The category of a scope that has no mapping yet.</summary>
    public const string Unmapped = "";
    public const string Personal = "personal";
    public const string Organization = "organization";
    public const string Workspace = "workspace";
}
