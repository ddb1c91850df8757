namespace Wacht.Worker.Ledger;

/// <summary>A command as the ledger holds it.</summary>
/// <param name="RotateCalls">How many times rotate was called for this command (rotation only).</param>
/// <param name="Outcome">The recorded terminal event, when <see cref="State"/> is terminal.</param>
/// <param name="Fingerprint">The payload fingerprint the command was first recorded with (<see cref="CommandStart.Fingerprint"/>).</param>
/// <param name="ValidatedUser">The validated user the command was first recorded with (<see cref="CommandStart.ValidatedUser"/>).</param>
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
    string? ValidatedUser = null)
{
    public bool IsTerminal => State is CommandState.Succeeded or CommandState.Failed;
}
