namespace Wacht.Worker.Commands;

/// <summary>What a command acts on.</summary>
/// <param name="TargetId">The OAuth client's record id, when the command targets one (recorded in the ledger).</param>
/// <param name="LockKey">
/// Commands with the same key never run at the same time: in one process (the endpoint's partitioner) and across
/// instances (the ledger's client lock). Per client, or per app for scope sync (<see cref="LockKeys"/>).
/// </param>
internal sealed record CommandTarget(string? TargetId, string LockKey);
