using Wacht.Client;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Scopes;

/// <summary>
/// Plans the changes that make an app's scopes match a (validated) <see cref="SyncScopes"/> command. Pure: reads
/// only its arguments. Declarative: a null <see cref="DesiredScope.DisplayName"/>, <see cref="DesiredScope.Description"/>,
/// category or permission means "not managed" (left as it is); an empty text means the platform default.
/// </summary>
/// <remarks>
/// <para>Platform behaviours this plan is built on (read from the emulator, which mirrors the platform's handlers):</para>
/// <list type="bullet">
/// <item>updateOAuthApp with <c>supported_scopes</c> replaces the list; a scope named in <c>scope_definitions</c> gets
/// that WHOLE definition (archived flag and mapping included; unnamed fields reset to defaults), other kept scopes keep
/// theirs, removed scopes lose theirs. The add therefore sends the full list and every existing definition exactly as
/// read (unchanged even if the server interpreted omitted definitions differently) plus the new ones.</item>
/// <item>updateOAuthApp validates mappings in <c>scope_definitions</c> only for shape: it does NOT check that a
/// permission exists in the deployment's B2B settings. New scopes are therefore added unmapped and mapped with a
/// separate <c>set_mapping</c> (setOAuthScopeMapping), which does check, so an unknown permission is refused rather
/// than stored.</item>
/// <item>Texts in a <c>scope_definitions</c> entry are stored as given (only blank ones become defaults), while
/// updateOAuthScope trims them (empty after trimming = default). The planner always sends the effective text (trimmed,
/// default when empty), so both paths store the same value and a re-plan finds nothing to change.</item>
/// <item>setOAuthScopeMapping refuses a different category and a different already-set permission (immutable), and
/// refuses a request that omits an already-set permission (it compares the stored one with the request's). Setting the
/// same category again with a permission where none was set is ACCEPTED and stores it, so that case is a
/// <c>set_mapping</c> that repeats the category and any already-set permission.</item>
/// </list>
/// <para>What cannot be known before calling: whether a permission exists in the deployment's B2B settings (no API
/// exposes them). Such a permission makes the <c>set_mapping</c> call fail with 400, which the applier surfaces as
/// <see cref="ScopeSyncInterruptedException"/> with the steps applied before it.</para>
/// <para>The plan is computed against a snapshot; the consumer should read the app right before planning. A change
/// made by someone else in between can make a call fail (or, for the add, be overwritten by the snapshot).</para>
/// </remarks>
public static class ScopePlanner
{
    private const string None = "(none)";

    public static ScopePlan Plan(OAuthApp current, SyncScopes command)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(command);

        var existing = ExistingDefinitions(current);
        var desiredByScope = new SortedDictionary<string, DesiredScope>(StringComparer.Ordinal);
        foreach (var desired in command.Scopes ?? [])
        {
            // The validator rejects duplicates; should one slip through, the first wins.
            if (desired is not null)
            {
                desiredByScope.TryAdd(desired.Scope, desired);
            }
        }

        var adds = new List<PlannedScopeChange>();
        var unarchives = new List<PlannedScopeChange>();
        var texts = new List<PlannedScopeChange>();
        var mappings = new List<PlannedScopeChange>();
        var archives = new List<PlannedScopeChange>();
        var conflicts = new List<ScopeConflict>();

        foreach (var (scope, desired) in desiredByScope)
        {
            existing.TryGetValue(scope, out var definition);
            var scopeConflicts = MappingConflicts(scope, desired, definition);
            conflicts.AddRange(scopeConflicts);

            if (definition is null)
            {
                var added = new ScopeDefinition
                {
                    Scope = scope,
                    DisplayName = EffectiveDisplayName(scope, desired.DisplayName) ?? scope,
                    Description = EffectiveDescription(scope, desired.Description) ?? DefaultDescription(scope),
                };
                adds.Add(new PlannedScopeChange
                {
                    Change = Change(scope, ScopeChangeActions.Add, $"display_name: {Quote(added.DisplayName)}, description: {Quote(added.Description)}"),
                    Definition = added,
                });
            }
            else
            {
                if (definition.Archived)
                {
                    unarchives.Add(new PlannedScopeChange { Change = Change(scope, ScopeChangeActions.Unarchive, "archived: true → false") });
                }

                if (TextUpdate(scope, desired, definition) is { } textChange)
                {
                    texts.Add(textChange);
                }
            }

            if (scopeConflicts.Count == 0 && MappingChange(scope, desired, definition) is { } mappingChange)
            {
                mappings.Add(mappingChange);
            }
        }

        if (command.MissingScopes == MissingScopeModes.Archive)
        {
            foreach (var (scope, definition) in existing)
            {
                if (!definition.Archived && !desiredByScope.ContainsKey(scope))
                {
                    archives.Add(new PlannedScopeChange { Change = Change(scope, ScopeChangeActions.Archive, "archived: false → true") });
                }
            }
        }

        if (conflicts.Count > 0)
        {
            return new ScopePlan { Conflicts = conflicts };
        }

        UpdateOAuthAppRequest? addRequest = null;
        if (adds.Count > 0)
        {
            var definitions = existing.Values.Concat(adds.Select(a => a.Definition!)).OrderBy(d => d.Scope, StringComparer.Ordinal).ToList();
            addRequest = new UpdateOAuthAppRequest
            {
                SupportedScopes = [.. definitions.Select(d => d.Scope)],
                ScopeDefinitions = definitions,
            };
        }

        return new ScopePlan
        {
            Changes = [.. adds, .. unarchives, .. texts, .. mappings, .. archives],
            AddRequest = addRequest,
        };
    }

    /// <summary>The platform default display name of a scope: the scope itself.</summary>
    public static string DefaultDisplayName(string scope) => scope;

    /// <summary>The platform default description of a scope.</summary>
    public static string DefaultDescription(string scope) => $"Allows {scope} access";

    /// <summary>
    /// The app's definitions by scope (sorted ordinal). A supported scope without a definition (which the contract
    /// rules out) counts as a default one, so it is kept, not dropped, by the add.
    /// </summary>
    private static SortedDictionary<string, ScopeDefinition> ExistingDefinitions(OAuthApp app)
    {
        var result = new SortedDictionary<string, ScopeDefinition>(StringComparer.Ordinal);
        foreach (var definition in app.ScopeDefinitions)
        {
            result.TryAdd(definition.Scope, definition);
        }

        foreach (var scope in app.SupportedScopes)
        {
            result.TryAdd(scope, new ScopeDefinition
            {
                Scope = scope,
                DisplayName = DefaultDisplayName(scope),
                Description = DefaultDescription(scope),
            });
        }

        return result;
    }

    /// <summary>The text the platform would store for a desired display name (trimmed, empty = default); null = unmanaged.</summary>
    private static string? EffectiveDisplayName(string scope, string? desired) =>
        desired is null ? null : desired.Trim() is { Length: > 0 } trimmed ? trimmed : DefaultDisplayName(scope);

    /// <summary>The text the platform would store for a desired description (trimmed, empty = default); null = unmanaged.</summary>
    private static string? EffectiveDescription(string scope, string? desired) =>
        desired is null ? null : desired.Trim() is { Length: > 0 } trimmed ? trimmed : DefaultDescription(scope);

    private static PlannedScopeChange? TextUpdate(string scope, DesiredScope desired, ScopeDefinition definition)
    {
        var displayName = EffectiveDisplayName(scope, desired.DisplayName);
        var description = EffectiveDescription(scope, desired.Description);
        var newDisplayName = displayName is not null && displayName != definition.DisplayName ? displayName : null;
        var newDescription = description is not null && description != definition.Description ? description : null;
        if (newDisplayName is null && newDescription is null)
        {
            return null;
        }

        var details = new List<string>(2);
        if (newDisplayName is not null)
        {
            details.Add($"display_name: {Quote(definition.DisplayName)} → {Quote(newDisplayName)}");
        }

        if (newDescription is not null)
        {
            details.Add($"description: {Quote(definition.Description)} → {Quote(newDescription)}");
        }

        return new PlannedScopeChange
        {
            Change = Change(scope, ScopeChangeActions.UpdateText, string.Join(", ", details)),
            TextUpdate = new UpdateOAuthScopeRequest { DisplayName = newDisplayName, Description = newDescription },
        };
    }

    /// <summary>Everything the platform would refuse about the desired mapping, known before any call.</summary>
    private static List<ScopeConflict> MappingConflicts(string scope, DesiredScope desired, ScopeDefinition? definition)
    {
        var conflicts = new List<ScopeConflict>();
        var category = NullIfEmpty(desired.Category);
        var organizationPermission = desired.OrganizationPermission;
        var workspacePermission = desired.WorkspacePermission;

        // The platform's mapping rules: personal takes no permission, organization only organization_permission,
        // workspace only workspace_permission.
        switch (category)
        {
            case null:
                AddIf(organizationPermission is not null, "organization_permission", null, organizationPermission, "a permission needs a category (organization_permission needs category organization)");
                AddIf(workspacePermission is not null, "workspace_permission", null, workspacePermission, "a permission needs a category (workspace_permission needs category workspace)");
                break;
            case ScopeCategories.Personal:
                AddIf(organizationPermission is not null, "organization_permission", definition?.OrganizationPermission, organizationPermission, "personal category cannot map organization/workspace permissions");
                AddIf(workspacePermission is not null, "workspace_permission", definition?.WorkspacePermission, workspacePermission, "personal category cannot map organization/workspace permissions");
                break;
            case ScopeCategories.Organization:
                AddIf(workspacePermission is not null, "workspace_permission", definition?.WorkspacePermission, workspacePermission, "organization category cannot map workspace permission (it takes only organization_permission)");
                break;
            case ScopeCategories.Workspace:
                AddIf(organizationPermission is not null, "organization_permission", definition?.OrganizationPermission, organizationPermission, "workspace category cannot map organization permission (it takes only workspace_permission)");
                break;
            default:
                AddIf(true, "category", NullIfEmpty(definition?.Category), category, "category must be personal, organization, or workspace");
                break;
        }

        if (category is null || definition is null)
        {
            return conflicts;
        }

        var currentCategory = NullIfEmpty(definition.Category);
        if (currentCategory is not null && currentCategory != category)
        {
            AddIf(true, "category", currentCategory, category, "scope category is immutable once set");
        }

        AddIf(
            organizationPermission is not null && definition.OrganizationPermission is not null && organizationPermission != definition.OrganizationPermission,
            "organization_permission", definition.OrganizationPermission, organizationPermission, "organization_permission is immutable once set");
        AddIf(
            workspacePermission is not null && definition.WorkspacePermission is not null && workspacePermission != definition.WorkspacePermission,
            "workspace_permission", definition.WorkspacePermission, workspacePermission, "workspace_permission is immutable once set");
        return conflicts;

        void AddIf(bool condition, string field, string? currentValue, string? desiredValue, string reason)
        {
            if (condition)
            {
                conflicts.Add(new ScopeConflict { Scope = scope, Field = field, Current = currentValue, Desired = desiredValue, Reason = reason });
            }
        }
    }

    /// <summary>The set_mapping step, if the (conflict-free) desired mapping is not in place yet.</summary>
    private static PlannedScopeChange? MappingChange(string scope, DesiredScope desired, ScopeDefinition? definition)
    {
        var category = NullIfEmpty(desired.Category);
        if (category is null)
        {
            return null;
        }

        var currentCategory = NullIfEmpty(definition?.Category);
        var currentOrganization = definition?.OrganizationPermission;
        var currentWorkspace = definition?.WorkspacePermission;
        var addsOrganization = desired.OrganizationPermission is not null && currentOrganization is null;
        var addsWorkspace = desired.WorkspacePermission is not null && currentWorkspace is null;
        if (currentCategory is not null && !addsOrganization && !addsWorkspace)
        {
            // Same category, and every desired permission already set (a null desired permission is unmanaged).
            return null;
        }

        var details = new List<string>(3);
        if (currentCategory is null)
        {
            details.Add($"category: {None} → {category}");
        }

        if (addsOrganization)
        {
            details.Add(currentCategory is null
                ? $"organization_permission: {desired.OrganizationPermission}"
                : $"organization_permission: {None} → {desired.OrganizationPermission}");
        }

        if (addsWorkspace)
        {
            details.Add(currentCategory is null
                ? $"workspace_permission: {desired.WorkspacePermission}"
                : $"workspace_permission: {None} → {desired.WorkspacePermission}");
        }

        return new PlannedScopeChange
        {
            Change = Change(scope, ScopeChangeActions.SetMapping, string.Join(", ", details)),
            // An already-set permission must be repeated: the platform refuses a request that differs from it.
            Mapping = new SetOAuthScopeMappingRequest
            {
                Category = category,
                OrganizationPermission = desired.OrganizationPermission ?? currentOrganization,
                WorkspacePermission = desired.WorkspacePermission ?? currentWorkspace,
            },
        };
    }

    private static ScopeChange Change(string scope, string action, string detail) => new() { Scope = scope, Action = action, Detail = detail };

    private static string Quote(string text) => $"\"{text}\"";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
