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
/// <param name="RotateInFlightUntil">
/// Rotation: until when this command's last rotate call may still take effect at Wacht (its answer was lost, or the
/// worker died waiting for it); null when the call answered or none was made.
/// </param>
/// <param name="Route">Rotation: the route decided for the command's secret (<see cref="ICommandLedger.RecordRouteAsync"/>).</param>
/// <param name="Destination">Rotation: the destination of that route.</param>
/// <param name="DestinationKey">Rotation: the key in that destination.</param>
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
    DateTimeOffset? RotateInFlightUntil = null,
    string? Route = null,
    string? Destination = null,
    string? DestinationKey = null,
    string? Intent = null)
{
    public bool IsTerminal => State is CommandState.Succeeded or CommandState.Failed;
}
