namespace Wacht.Worker.Ledger;

/// <summary>A command as the ledger holds it.</summary>
/// <param name="RotateCalls">How many times rotate was called for this command (rotation only).</param>
/// <param name="Outcome">The recorded terminal event, when <see cref="State"/> is terminal.</param>
/// <param name="Fingerprint">The payload fingerprint the command was first recorded with (<see cref="CommandStart.Fingerprint"/>).</param>
/// <param name="ValidatedUser">The validated user the command was first recorded with (<see cref="CommandStart.ValidatedUser"/>).</param>
/// <param name="Intent">
/// What the command recorded before its last call that is not idempotent (<see cref="ICommandLedger.RecordIntentAsync"/>),
/// as the handler wrote it; null when it recorded none. Kept through a re-open, so a re-driven command can tell whether
/// an earlier call took effect.
/// </param>
public sealed record CommandRecord(
    Guid CommandId,
    string Kind,
    string DeploymentId,
    string AppSlug,
    string? TargetId,
    CommandState State,
    int RotateCalls,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    RecordedOutcome? Outcome,
    string? Fingerprint = null,
    string? ValidatedUser = null,
    string? Intent = null)
{
    public bool IsTerminal => State is CommandState.Succeeded or CommandState.Failed;
}
