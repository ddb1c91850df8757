namespace Wacht.Worker.Contracts;

/// <summary>A desired scope the platform would refuse, found before any change was made.</summary>
public sealed record ScopeConflict
{
    public string Scope { get; init; } = "";

    /// <summary>The field in conflict: <c>category</c>, <c>organization_permission</c> or <c>workspace_permission</c>.</summary>
    public string Field { get; init; } = "";

    /// <summary>The value the app has now (null when unset).</summary>
    public string? Current { get; init; }

    /// <summary>The value the command asked for (null when unset).</summary>
    public string? Desired { get; init; }

    /// <summary>Why the platform would refuse it, e.g. <c>scope category is immutable once set</c>.</summary>
    public string Reason { get; init; } = "";
}
