using Wacht.Client;
using Wacht.Worker.Commands;
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
/// as one scope; and, because a scope is a path segment of updateOAuthScope/archive/unarchive/mapping, not <c>.</c> or
/// <c>..</c> (dot segments: <c>..</c> turned updateOAuthScope into a PATCH of the app itself) and without <c>/</c>,
/// <c>?</c>, <c>#</c> or a <c>%</c> followed by two hex digits (the Wacht client refuses those too: they would not reach
/// the platform as one segment). Names are case-sensitive (as on the platform); duplicates are reported at the later index.
/// At most <see cref="InputLimits.MaxScopes"/> scopes (more are reported once, without checking each);
/// <c>DisplayName</c> at most <see cref="InputLimits.MaxDisplayNameLength"/> characters, <c>Description</c>
/// <see cref="InputLimits.MaxDescriptionLength"/>, each permission <see cref="InputLimits.MaxPermissionLength"/>.
/// Categories must be given exactly in lowercase (<c>personal</c>, <c>organization</c>, <c>workspace</c>) so that plans
/// compare them exactly with what the platform stores. Whether a permission fits its category is a planning
/// conflict (<see cref="ScopePlanner"/>), not a validation error; a permission without any category is invalid here.
/// </remarks>
public static class SyncScopesValidator
{
    /// <summary>The longest scope name accepted.</summary>
    public const int MaxScopeLength = InputLimits.MaxScopeLength;

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
        if (scopes.Count > InputLimits.MaxScopes)
        {
            // Reported once: checking (and listing) each of 100,000 entries would only echo the flood back.
            errors.Add(new FieldError(
                nameof(SyncScopes.Scopes),
                $"has {scopes.Count} entries; a command may list at most {InputLimits.MaxScopes} scopes"));
            return errors;
        }

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

            ValidateLength(errors, $"{path}.{nameof(DesiredScope.DisplayName)}", desired.DisplayName, InputLimits.MaxDisplayNameLength);
            ValidateLength(errors, $"{path}.{nameof(DesiredScope.Description)}", desired.Description, InputLimits.MaxDescriptionLength);

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

        if (scope is "." or "..")
        {
            return $"is the dot segment '{scope}': a scope is a URL path segment, and this one would change the request's path";
        }

        for (var i = 0; i < scope.Length; i++)
        {
            var c = scope[i];
            if (c is '/' or '?' or '#')
            {
                return $"contains '{c}', which cannot be carried in a URL path segment (the scope endpoints take the scope in their path)";
            }

            if (c == '%' && i + 2 < scope.Length && char.IsAsciiHexDigit(scope[i + 1]) && char.IsAsciiHexDigit(scope[i + 2]))
            {
                return $"contains the percent-encoded sequence '{scope.Substring(i, 3)}', which a decoding hop would turn into another character";
            }
        }

        return null;
    }

    private static void ValidateLength(List<FieldError> errors, string path, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            errors.Add(new FieldError(path, $"is longer than {maxLength} characters ({value.Length})"));
        }
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
        else if (permission.Length > InputLimits.MaxPermissionLength)
        {
            errors.Add(new FieldError(path, $"is longer than {InputLimits.MaxPermissionLength} characters ({permission.Length})"));
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
