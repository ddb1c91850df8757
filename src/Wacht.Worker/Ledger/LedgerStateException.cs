namespace Wacht.Worker.Ledger;

/// <summary>
/// A ledger operation does not fit the command's recorded state (e.g. storing a secret for a command that is not
/// rotating, or completing a command twice), or the command is unknown (<see cref="State"/> is null).
/// </summary>
public sealed class LedgerStateException : InvalidOperationException
{
    public LedgerStateException()
    {
    }

    public LedgerStateException(string message)
        : base(message)
    {
    }

    public LedgerStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LedgerStateException(Guid commandId, CommandState? state, string operation)
        : base(state is null
            ? $"The ledger has no command {commandId}; {operation} needs BeginAsync first."
            : $"Command {commandId} is in state {LedgerStates.ToText(state.Value)}; {operation} is not allowed in that state.")
    {
        CommandId = commandId;
        State = state;
    }

    /// <summary>The command concerned.</summary>
    public Guid CommandId { get; }

    /// <summary>The command's state, or null when the ledger does not know the command.</summary>
    public CommandState? State { get; }
}
