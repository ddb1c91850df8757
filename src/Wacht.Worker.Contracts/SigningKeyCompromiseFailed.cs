using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>Event: a <see cref="CompromiseSigningKey"/> command failed.</summary>
[MessageUrn("wacht-worker:signing-key-compromise-failed:v1")]
[EntityName("wacht-worker.signing-key-compromise-failed")]
public sealed record SigningKeyCompromiseFailed : ICommandFailedEvent
{
    /// <summary>The command's id; also the message's correlation id (<see cref="Guid.Empty"/> when the command had none).</summary>
    public Guid CommandId { get; init; }

    public string DeploymentId { get; init; } = "";

    public string AppSlug { get; init; } = "";

    /// <summary>The <c>kid</c> the command named (an excerpt when it was over the limit).</summary>
    public string Kid { get; init; } = "";

    /// <summary>When the worker gave up.</summary>
    public DateTimeOffset FailedAt { get; init; }

    /// <summary>One of <see cref="ErrorCodes"/>.</summary>
    public string ErrorCode { get; init; } = "";

    /// <summary>What went wrong, for people.</summary>
    public string Message { get; init; } = "";

    /// <summary>Whether sending the same command again later could succeed.</summary>
    public bool Retryable { get; init; }

    /// <summary>
    /// Whether compromise was called for this command and may have taken effect (its answer was not seen): the key may
    /// already be unpublished. Re-driving the command finds out.
    /// </summary>
    public bool CompromiseMayHaveBeenCalled { get; init; }

    /// <summary>With <see cref="ErrorCodes.InvalidCommand"/>: every offending field.</summary>
    public IReadOnlyList<FieldError> FieldErrors { get; init; } = [];

    public string Trigger { get; init; } = CommandTriggers.Command;

    public string? RequestedBy { get; init; }

    public string? Reason { get; init; }

    /// <inheritdoc/>
    public string? SentBy { get; init; }
}
