namespace Wacht.Worker.Contracts;

/// <summary>One step of a scope sync plan: planned (dry run) or applied.</summary>
public sealed record ScopeChange
{
    /// <summary>The scope the step is about.</summary>
    public string Scope { get; init; } = "";

    /// <summary>One of <see cref="ScopeChangeActions"/>.</summary>
    public string Action { get; init; } = "";

    /// <summary>What changes, for people, e.g. <c>description: "old" → "new"</c>.</summary>
    public string Detail { get; init; } = "";
}
