namespace Wacht.Worker.Ledger;

/// <summary>Where a command stands in the ledger. Stored as its lower-case name.</summary>
public enum CommandState
{
    /// <summary>Recorded, not yet executed (or executing a command that is not a rotation).</summary>
    Received,

    /// <summary>
    /// Rotation: intent recorded, rotate is being called (or its outcome is unknown). Also the state of a signing-key
    /// command whose intent is recorded (<see cref="ICommandLedger.RecordIntentAsync"/>) while its call is made.
    /// </summary>
    Rotating,

    /// <summary>Rotation: Wacht issued a new secret; it is held encrypted in the ledger until delivered.</summary>
    PendingDelivery,

    /// <summary>Terminal: succeeded; the outcome event is recorded.</summary>
    Succeeded,

    /// <summary>Terminal: failed; the outcome event is recorded.</summary>
    Failed,
}
