namespace Wacht.Worker.Ledger;

/// <summary>
/// The terminal event of a command as the ledger keeps it, so a duplicate or redelivered command is answered with
/// the very same event instead of being executed again.
/// </summary>
/// <param name="Succeeded">Whether the event is the success event.</param>
/// <param name="MessageType">The event's contract type name (e.g. <c>SecretRotated</c>).</param>
/// <param name="Json">The event serialised as JSON. Never contains a secret.</param>
/// <param name="Retryable">For failures: whether re-executing the command later could succeed (a re-drive re-executes it).</param>
public sealed record RecordedOutcome(bool Succeeded, string MessageType, string Json, bool Retryable);
