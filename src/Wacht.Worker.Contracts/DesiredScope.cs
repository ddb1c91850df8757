namespace Wacht.Worker.Contracts;

/// <summary>One scope as <see cref="SyncScopes"/> wants it to be.</summary>
public sealed record DesiredScope
{
    /// <summary>The scope name, e.g. <c>reports:read</c>.</summary>
    public string Scope { get; init; } = "";

    /// <summary>Shown on the consent screen; empty means the platform default (the scope itself).</summary>
    public string? DisplayName { get; init; }

    /// <summary>Shown on the consent screen; empty means the platform default (<c>Allows &lt;scope&gt; access</c>).</summary>
    public string? Description { get; init; }

    /// <summary><c>personal</c>, <c>organization</c> or <c>workspace</c>; empty/null leaves the scope unmapped. Immutable once set.</summary>
    public string? Category { get; init; }

    /// <summary>Only with category <c>organization</c>. Immutable once set.</summary>
    public string? OrganizationPermission { get; init; }

    /// <summary>Only with category <c>workspace</c>. Immutable once set.</summary>
    public string? WorkspacePermission { get; init; }
}
