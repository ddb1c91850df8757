namespace Wacht.Worker.Commands;

/// <summary>Raised by a command's execution to end it with a specific failure (e.g. <c>rotation_not_supported</c>).</summary>
internal class CommandFailureException(CommandFailure failure, Exception? innerException = null)
    : Exception(failure.Message, innerException)
{
    public CommandFailure Failure { get; } = failure;

    /// <summary>Erase the command's pending secret once the failure is recorded (it can never be delivered usefully).</summary>
    public bool DiscardPendingSecret { get; init; }
}
