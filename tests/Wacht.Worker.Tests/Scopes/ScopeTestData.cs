using Wacht.Client;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Tests.Scopes;

/// <summary>Builders for apps, definitions and commands used by the scope tests.</summary>
internal static class ScopeTestData
{
    public static OAuthApp App(params ScopeDefinition[] definitions)
    {
        var sorted = definitions.OrderBy(d => d.Scope, StringComparer.Ordinal).ToList();
        return new OAuthApp
        {
            Id = "1",
            Slug = "reports-api",
            SupportedScopes = [.. sorted.Select(d => d.Scope)],
            ScopeDefinitions = sorted,
        };
    }

    /// <summary>A definition as the platform stores it: defaults filled in.</summary>
    public static ScopeDefinition Def(
        string scope,
        string? displayName = null,
        string? description = null,
        bool archived = false,
        string category = "",
        string? organizationPermission = null,
        string? workspacePermission = null) => new()
        {
            Scope = scope,
            DisplayName = displayName ?? scope,
            Description = description ?? $"Allows {scope} access",
            Archived = archived,
            Category = category,
            OrganizationPermission = organizationPermission,
            WorkspacePermission = workspacePermission,
        };

    public static SyncScopes Command(params DesiredScope[] scopes) => Command(MissingScopeModes.Keep, scopes);

    public static SyncScopes Command(string missingScopes, params DesiredScope[] scopes) => new()
    {
        CommandId = Guid.NewGuid(),
        DeploymentId = "1",
        AppSlug = "reports-api",
        Scopes = scopes,
        MissingScopes = missingScopes,
    };

    public static DesiredScope Want(
        string scope,
        string? displayName = null,
        string? description = null,
        string? category = null,
        string? organizationPermission = null,
        string? workspacePermission = null) => new()
        {
            Scope = scope,
            DisplayName = displayName,
            Description = description,
            Category = category,
            OrganizationPermission = organizationPermission,
            WorkspacePermission = workspacePermission,
        };
}
