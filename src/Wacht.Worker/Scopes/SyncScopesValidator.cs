using Wacht.Client;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Scopes;

/// <summary>
/// Validates the scope-specific fields of <see cref="SyncScopes"/>: <see cref="SyncScopes.Scopes"/> and
/// <see cref="SyncScopes.MissingScopes"/>. The common fields (CommandId, DeploymentId, AppSlug, Trigger) are validated
/// elsewhere. Every offending field is reported, with its path in the command (e.g. <c>Scopes[2].Scope</c>).
/// </summary>
/// <remarks>
/// Scope names: 1 to <see cref="MaxScopeLength"/> characters of the RFC 6749 §3.3 scope-token syntax
/// (<c>%x21 / %x23-5B / %x5D-7E</c>: printable ASCII except space, <c>"</c> and <c>\</c>) WITHOUT the comma, because
/// createOAuthApp carries <c>supported_scopes</c> comma-separated, so a scope with a comma could never be created
/// as one scope. Names are case-sensitive (as on the platform); duplicates are reported at the later index.
/// Categories must be given exactly in lowercase (<c>personal</c>, <c>organization</c>, <c>workspace</c>) so that plans
/// compare them exactly with what the platform stores. Whether a permission fits its category is a planning
/// conflict (<see cref="ScopePlanner"/>), not a validation error; a permission without any category is invalid here.
/// </remarks>
public static class SyncScopesValidator
{
    /// <summary>The longest scope name accepted.</summary>
    public const int MaxScopeLength = 128;

    private static readonly string[] Categories = [ScopeCategories.Personal, ScopeCategories.Organization, ScopeCategories.Workspace];

    public static IReadOnlyList<FieldError> Validate(SyncScopes command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var errors = new List<FieldError>();

        if (command.MissingScopes is null || !MissingScopeModes.All.Contains(command.MissingScopes, StringComparer.Ordinal))
        {
            errors.Add(new FieldError(
                nameof(SyncScopes.MissingScopes),
                $"must be one of: {string.Join(", ", MissingScopeModes.All)}"));
        }

        var scopes = command.Scopes ?? [];
        if (scopes.Count == 0 && command.MissingScopes == MissingScopeModes.Archive)
        {
            errors.Add(new FieldError(
                nameof(SyncScopes.Scopes),
                "is empty while MissingScopes is 'archive', which would archive every scope of the app; list at least one scope, or use 'keep'"));
        }

        var firstIndexByScope = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < scopes.Count; i++)
        {
            var path = $"{nameof(SyncScopes.Scopes)}[{i}]";
            var desired = scopes[i];
            if (desired is null)
            {
                errors.Add(new FieldError(path, "must not be null"));
                continue;
            }

            if (ScopeProblem(desired.Scope) is { } scopeProblem)
            {
                errors.Add(new FieldError($"{path}.{nameof(DesiredScope.Scope)}", scopeProblem));
            }
            else if (!firstIndexByScope.TryAdd(desired.Scope, i))
            {
                errors.Add(new FieldError(
                    $"{path}.{nameof(DesiredScope.Scope)}",
                    $"duplicates Scopes[{firstIndexByScope[desired.Scope]}].Scope ('{desired.Scope}')"));
            }

            var hasCategory = !string.IsNullOrEmpty(desired.Category);
            if (hasCategory && !Categories.Contains(desired.Category, StringComparer.Ordinal))
            {
                errors.Add(new FieldError(
                    $"{path}.{nameof(DesiredScope.Category)}",
                    "must be personal, organization or workspace (lowercase), or empty to leave the mapping unmanaged"));
            }

            ValidatePermission(errors, $"{path}.{nameof(DesiredScope.OrganizationPermission)}", desired.OrganizationPermission, hasCategory, ScopeCategories.Organization);
            ValidatePermission(errors, $"{path}.{nameof(DesiredScope.WorkspacePermission)}", desired.WorkspacePermission, hasCategory, ScopeCategories.Workspace);
        }

        return errors;
    }

    /// <summary>Why <paramref name="scope"/> is not an acceptable scope name, or null when it is.</summary>
    internal static string? ScopeProblem(string? scope)
    {
        if (string.IsNullOrWhiteSpace(scope))
        {
            return "is required";
        }

        if (char.IsWhiteSpace(scope[0]) || char.IsWhiteSpace(scope[^1]))
        {
            return "must not start or end with whitespace";
        }

        if (scope.Length > MaxScopeLength)
        {
            return $"must be at most {MaxScopeLength} characters";
        }

        foreach (var c in scope)
        {
            if (!IsScopeChar(c))
            {
                return $"contains {Describe(c)}; a scope may contain only printable ASCII characters except space, '\"', '\\' and ','";
            }
        }

        return null;
    }

    /// <summary>RFC 6749 §3.3 NQCHAR (%x21 / %x23-5B / %x5D-7E) minus ',' (the separator of supported_scopes on create).</summary>
    private static bool IsScopeChar(char c) => (c is '\x21' or (>= '\x23' and <= '\x5B') or (>= '\x5D' and <= '\x7E')) && c != ',';

    private static string Describe(char c) => c switch
    {
        ' ' => "a space",
        ',' => "a comma",
        _ when char.IsControl(c) => $"the control character U+{(int)c:X4}",
        _ when char.IsWhiteSpace(c) => $"the whitespace character U+{(int)c:X4}",
        _ => $"the character '{c}'",
    };

    private static void ValidatePermission(List<FieldError> errors, string path, string? permission, bool hasCategory, string category)
    {
        if (permission is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(permission))
        {
            errors.Add(new FieldError(path, "must not be blank when present (omit it to leave the permission unmanaged)"));
        }
        else if (permission.Trim().Length != permission.Length)
        {
            errors.Add(new FieldError(path, "must not start or end with whitespace"));
        }
        else if (!hasCategory)
        {
            errors.Add(new FieldError(path, $"needs Category '{category}'"));
        }
    }
}
