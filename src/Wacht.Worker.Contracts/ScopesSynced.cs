using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>Event: an app's scopes match the command's spec (or, with <see cref="DryRun"/>, the plan to get there).</summary>
[MessageUrn("wacht-worker:scopes-synced:v1")]
[EntityName("wacht-worker.scopes-synced")]
public sealed record ScopesSynced : ICommandEvent
{
    /// <summary>The command's id; also the message's correlation id.</summary>
    public Guid CommandId { get; init; }

    public string DeploymentId { get; init; } = "";

    public string AppSlug { get; init; } = "";

    /// <summary>True when nothing was changed and <see cref="Changes"/> is the plan.</summary>
    public bool DryRun { get; init; }

    /// <summary>The steps applied (or planned, in a dry run), in order. Empty when the app already matched.</summary>
    public IReadOnlyList<ScopeChange> Changes { get; init; } = [];

    /// <summary>How many write calls were made to Wacht (0 in a dry run or when nothing changed).</summary>
    public int WriteCalls { get; init; }

    public DateTimeOffset SyncedAt { get; init; }

    public string Trigger { get; init; } = CommandTriggers.Command;

    public string? RequestedBy { get; init; }

    public string? Reason { get; init; }

    /// <inheritdoc/>
    public string? SentBy { get; init; }
}
