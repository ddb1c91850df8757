namespace Wacht.Emulator;

/// <summary>The platform's scope normalisation and scope-mapping validation.</summary>
internal static class ScopeRules
{
    /// <summary>Trimmed, empty dropped, sorted ordinal (Rust's byte order), de-duplicated.</summary>
    public static List<string> NormalizeSupportedScopes(IEnumerable<string?> scopes)
    {
        var list = scopes
            .Select(s => s?.Trim() ?? "")
            .Where(s => s.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    public static ScopeDefinitionRecord DefaultDefinition(string scope) => new()
    {
        Scope = scope,
        DisplayName = scope,
        Description = DefaultDescription(scope),
    };

    public static string DefaultDescription(string scope) => $"Allows {scope} access";

    /// <summary>
    /// Builds exactly one definition per supported scope, in order. A definition given in
    /// <paramref name="inputs"/> replaces the whole definition (last one per scope wins, like the
    /// platform's BTreeMap); otherwise the <paramref name="existing"/> one is kept (the contract:
    /// "definitions of scopes no longer listed are dropped", the others stay); otherwise a default.
    /// Definitions for scopes that are not supported are dropped.
    /// </summary>
    public static List<ScopeDefinitionRecord> BuildDefinitions(
        IReadOnlyList<string> supportedScopes,
        IEnumerable<WireScopeDefinitionInput>? inputs,
        IEnumerable<ScopeDefinitionRecord>? existing)
    {
        var byScope = new Dictionary<string, WireScopeDefinitionInput>(StringComparer.Ordinal);
        foreach (var input in inputs ?? [])
        {
            var scope = input.Scope?.Trim() ?? "";
            if (scope.Length > 0)
            {
                byScope[scope] = input;
            }
        }

        var existingByScope = (existing ?? []).ToDictionary(d => d.Scope, StringComparer.Ordinal);
        var result = new List<ScopeDefinitionRecord>(supportedScopes.Count);
        foreach (var scope in supportedScopes)
        {
            if (byScope.TryGetValue(scope, out var input))
            {
                var definition = new ScopeDefinitionRecord
                {
                    Scope = scope,
                    DisplayName = string.IsNullOrWhiteSpace(input.DisplayName) ? scope : input.DisplayName,
                    Description = string.IsNullOrWhiteSpace(input.Description) ? DefaultDescription(scope) : input.Description,
                    Archived = input.Archived ?? false,
                    Category = ParseCategory(input.Category),
                    OrganizationPermission = TrimToNull(input.OrganizationPermission),
                    WorkspacePermission = TrimToNull(input.WorkspacePermission),
                };
                ValidateDefinition(definition);
                result.Add(definition);
            }
            else if (existingByScope.TryGetValue(scope, out var kept))
            {
                result.Add(kept);
            }
            else
            {
                result.Add(DefaultDefinition(scope));
            }
        }

        return result;
    }

    /// <summary>Category of a scope definition given in a create/update body (may be empty).</summary>
    public static string ParseCategory(string? raw) =>
        (raw ?? "").Trim().ToLowerInvariant() switch
        {
            "" => "",
            "personal" => "personal",
            "organization" => "organization",
            "workspace" => "workspace",
            _ => throw EmulatorApiException.BadRequest("scope category must be one of: personal, organization, workspace"),
        };

    /// <summary>The platform's validate_scope_mapping for definitions in create/update bodies.</summary>
    public static void ValidateDefinition(ScopeDefinitionRecord definition)
    {
        var scope = definition.Scope;
        var hasOrg = definition.OrganizationPermission is not null;
        var hasWs = definition.WorkspacePermission is not null;
        switch (definition.Category)
        {
            case "" when hasOrg || hasWs:
                throw EmulatorApiException.BadRequest($"scope '{scope}' without category cannot define permission mappings");
            case "personal" when hasOrg || hasWs:
                throw EmulatorApiException.BadRequest($"scope '{scope}' with category 'personal' cannot define organization/workspace permissions");
            case "organization" when hasWs:
                throw EmulatorApiException.BadRequest($"scope '{scope}' with category 'organization' cannot define workspace permission");
            case "workspace" when hasOrg:
                throw EmulatorApiException.BadRequest($"scope '{scope}' with category 'workspace' cannot define organization permission");
            default:
                break;
        }
    }

    /// <summary>A path scope: trimmed; empty is 400 <c>scope is required</c>.</summary>
    public static string NormalizePathScope(string? raw)
    {
        var scope = (raw ?? "").Trim();
        return scope.Length == 0 ? throw EmulatorApiException.BadRequest("scope is required") : scope;
    }

    public static string? TrimToNull(string? value)
    {
        var trimmed = value?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }
}
