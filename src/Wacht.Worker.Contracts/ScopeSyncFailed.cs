using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>Event: a <see cref="SyncScopes"/> command failed.</summary>
[MessageUrn("wacht-worker:scope-sync-failed:v1")]
[EntityName("wacht-worker.scope-sync-failed")]
public sealed record ScopeSyncFailed : ICommandFailedEvent
{
    /// <summary>The command's id; also the message's correlation id (<see cref="Guid.Empty"/> when the command had none).</summary>
    public Guid CommandId { get; init; }

    public string DeploymentId { get; init; } = "";

    public string AppSlug { get; init; } = "";

    public DateTimeOffset FailedAt { get; init; }

    /// <summary>One of <see cref="ErrorCodes"/>.</summary>
    public string ErrorCode { get; init; } = "";

    public string Message { get; init; } = "";

    /// <summary>Whether sending the same command again later could succeed.</summary>
    public bool Retryable { get; init; }

    /// <summary>With <see cref="ErrorCodes.ScopeConflict"/>: every conflicting scope. Nothing was changed.</summary>
    public IReadOnlyList<ScopeConflict> Conflicts { get; init; } = [];

    /// <summary>With <see cref="ErrorCodes.InvalidCommand"/>: every offending field.</summary>
    public IReadOnlyList<FieldError> FieldErrors { get; init; } = [];

    /// <summary>Steps that were applied before a call failed (empty for conflicts and invalid commands). Re-sending the command finishes the rest.</summary>
    public IReadOnlyList<ScopeChange> AppliedChanges { get; init; } = [];

    public string Trigger { get; init; } = CommandTriggers.Command;

    public string? RequestedBy { get; init; }

    public string? Reason { get; init; }

    /// <inheritdoc/>
    public string? SentBy { get; init; }
}
