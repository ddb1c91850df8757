using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>Event: a <see cref="RotateSigningKey"/> command failed.</summary>
[MessageUrn("wacht-worker:signing-key-rotation-failed:v1")]
[EntityName("wacht-worker.signing-key-rotation-failed")]
public sealed record SigningKeyRotationFailed : ICommandFailedEvent
{
    /// <summary>The command's id; also the message's correlation id (<see cref="Guid.Empty"/> when the command had none).</summary>
    public Guid CommandId { get; init; }

    public string DeploymentId { get; init; } = "";

    public string AppSlug { get; init; } = "";

    /// <summary>When the worker gave up.</summary>
    public DateTimeOffset FailedAt { get; init; }

    /// <summary>One of <see cref="ErrorCodes"/>.</summary>
    public string ErrorCode { get; init; } = "";

    /// <summary>What went wrong, for people.</summary>
    public string Message { get; init; } = "";

    /// <summary>Whether sending the same command again later could succeed.</summary>
    public bool Retryable { get; init; }

    /// <summary>
    /// Whether rotate was called for this command and may have taken effect (its answer was not seen). Re-driving the
    /// command reads the keys back and does not rotate a second time if it did.
    /// </summary>
    public bool RotateMayHaveBeenCalled { get; init; }

    /// <summary>With <see cref="ErrorCodes.InvalidCommand"/>: every offending field.</summary>
    public IReadOnlyList<FieldError> FieldErrors { get; init; } = [];

    public string Trigger { get; init; } = CommandTriggers.Command;

    public string? RequestedBy { get; init; }

    public string? Reason { get; init; }

    /// <inheritdoc/>
    public string? SentBy { get; init; }
}
