namespace Wacht.Worker.Ledger;

/// <summary>A command as the ledger holds it.</summary>
/// <param name="RotateCalls">How many times rotate was called for this command (rotation only).</param>
/// <param name="Outcome">The recorded terminal event, when <see cref="State"/> is terminal.</param>
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
    RecordedOutcome? Outcome)
{
    public bool IsTerminal => State is CommandState.Succeeded or CommandState.Failed;
}
