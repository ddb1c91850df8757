using Wacht.Client;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Scopes;

/// <summary>
/// The changes that make an app's scopes match a <see cref="SyncScopes"/> command, computed by
/// <see cref="ScopePlanner.Plan"/> and executed by <see cref="ScopePlanApplier.ApplyAsync"/>.
/// </summary>
/// <remarks>
/// With any <see cref="Conflicts"/>, <see cref="Changes"/> is empty and the plan must not be applied (the consumer
/// publishes <see cref="ScopeSyncFailed"/> with every conflict). Without conflicts, an empty <see cref="Changes"/>
/// means the app already matches.
/// </remarks>
public sealed record ScopePlan
{
    /// <summary>In application order: add, unarchive, update_text, set_mapping, archive; by scope (ordinal) within each.</summary>
    public IReadOnlyList<PlannedScopeChange> Changes { get; init; } = [];

    /// <summary>Every desired scope the platform would refuse, across all scopes.</summary>
    public IReadOnlyList<ScopeConflict> Conflicts { get; init; } = [];

    /// <summary>
    /// The single updateOAuthApp call that carries every <c>add</c>: the app's full current supported_scopes plus the
    /// new ones, and every existing definition exactly as read plus the new ones. Null when nothing is added.
    /// </summary>
    public UpdateOAuthAppRequest? AddRequest { get; init; }

    public bool HasConflicts => Conflicts.Count > 0;

    /// <summary>True when there is nothing to do (no changes and no conflicts).</summary>
    public bool IsEmpty => Changes.Count == 0 && Conflicts.Count == 0;

    /// <summary>The changes as the events report them (the dry-run answer).</summary>
    public IReadOnlyList<ScopeChange> ScopeChanges => [.. Changes.Select(c => c.Change)];
}

/// <summary>
/// One step of a <see cref="ScopePlan"/>: the <see cref="ScopeChange"/> reported in events, plus what the applier needs.
/// Exactly one of the payloads is set for the actions that need one.
/// </summary>
public sealed record PlannedScopeChange
{
    public required ScopeChange Change { get; init; }

    public string Scope => Change.Scope;

    public string Action => Change.Action;

    /// <summary>With <c>add</c>: the new scope's definition (texts only; it travels in <see cref="ScopePlan.AddRequest"/>).</summary>
    public ScopeDefinition? Definition { get; init; }

    /// <summary>With <c>update_text</c>: the updateOAuthScope body (only changed fields are set).</summary>
    public UpdateOAuthScopeRequest? TextUpdate { get; init; }

    /// <summary>With <c>set_mapping</c>: the setOAuthScopeMapping body (already-set permissions are repeated, as the platform requires).</summary>
    public SetOAuthScopeMappingRequest? Mapping { get; init; }
}
