namespace Wacht.Worker.Commands;

/// <summary>Raised by a command's execution to end it with a specific failure (e.g. <c>rotation_not_supported</c>).</summary>
internal class CommandFailureException(CommandFailure failure, Exception? innerException = null)
    : Exception(failure.Message, innerException)
{
    public CommandFailure Failure { get; } = failure;
}
