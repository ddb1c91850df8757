using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// Command: make an OAuth app's scope catalogue match <see cref="Scopes"/> (declarative). The worker plans the
/// changes against the app's current scopes, refuses the whole command when the plan contains a change the
/// platform would refuse, and otherwise applies it. Answered/published as <see cref="ScopesSynced"/> or
/// <see cref="ScopeSyncFailed"/>.
/// </summary>
[MessageUrn("wacht-worker:sync-scopes:v1")]
[EntityName("wacht-worker.sync-scopes")]
public sealed record SyncScopes : IWachtCommand
{
    /// <summary>The idempotency key.</summary>
    public Guid CommandId { get; init; }

    /// <summary>The Wacht deployment id (decimal 64-bit integer as text).</summary>
    public string DeploymentId { get; init; } = "";

    /// <summary>The OAuth app's slug.</summary>
    public string AppSlug { get; init; } = "";

    /// <summary>The scopes the app should have, each with its texts and mapping.</summary>
    public IReadOnlyList<DesiredScope> Scopes { get; init; } = [];

    /// <summary>What to do with scopes the app has but <see cref="Scopes"/> lacks: one of <see cref="MissingScopeModes"/>.</summary>
    public string MissingScopes { get; init; } = MissingScopeModes.Keep;

    /// <summary>Compute and report the plan in <see cref="ScopesSynced.Changes"/>, change nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>Who asked, for the audit trail.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>Why, for the audit trail.</summary>
    public string? Reason { get; init; }

    /// <summary>What caused the command: one of <see cref="CommandTriggers"/>.</summary>
    public string Trigger { get; init; } = CommandTriggers.Command;
}
