namespace Wacht.Worker.Ledger;

/// <summary>
/// The worker's durable record of every command (by <c>CommandId</c>), of secrets between issue and delivery, and of
/// the rotation history. Every method returns only after its write is durable (committed). Implemented by
/// <c>Sql.SqlLedger</c> on SQLite (one worker instance) or PostgreSQL (several instances sharing work).
/// </summary>
public interface ICommandLedger
{
    /// <summary>Creates or migrates the schema. Called once at start-up; safe to call again.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records the command in state <see cref="CommandState.Received"/> when it is new; returns the current record
    /// either way (a duplicate returns the existing record unchanged).
    /// </summary>
    Task<CommandRecord> BeginAsync(CommandStart start, CancellationToken cancellationToken);

    /// <summary>The command's record, or null when the ledger has never seen it.</summary>
    Task<CommandRecord?> FindAsync(Guid commandId, CancellationToken cancellationToken);

    /// <summary>
    /// Rotation: records the intent to call rotate (state <see cref="CommandState.Rotating"/>, rotate-calls + 1, the
    /// intent time) and until when that call may still take effect at Wacht if its answer is lost
    /// (<paramref name="inFlightUntil"/>, reported by <see cref="FindRotateInFlightUntilAsync"/> until the call answers).
    /// </summary>
    Task MarkRotatingAsync(Guid commandId, DateTimeOffset? inFlightUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Rotation: the rotate call of a command in <see cref="CommandState.Rotating"/> answered (with an error: a success
    /// is recorded by <see cref="StorePendingSecretAsync"/>), so it can no longer take effect later: its in-flight
    /// deadline is cleared.
    /// </summary>
    Task SettleRotateAsync(Guid commandId, CancellationToken cancellationToken);

    /// <summary>
    /// Rotation: the latest in-flight deadline of the client's rotate calls (any command): until then an earlier call
    /// whose answer was lost may still take effect at Wacht and invalidate a newer secret, so no new rotate call may be
    /// made for the client. Null when no call of the client is in flight.
    /// </summary>
    Task<DateTimeOffset?> FindRotateInFlightUntilAsync(string deploymentId, string oauthClientId, CancellationToken cancellationToken);

    /// <summary>
    /// Rotation: records the route, destination and destination key decided for the command's secret, before the rotate
    /// call, so a re-drive delivers where the first attempt decided and the decision is on record. A no-op once the
    /// command is terminal.
    /// </summary>
    Task RecordRouteAsync(Guid commandId, string route, string destination, string destinationKey, CancellationToken cancellationToken);

    /// <summary>
    /// Rotation: the other rotate-secret commands of the client that hold a secret not yet delivered (pending, or kept
    /// by a failed delivery for a re-drive), newest intent first. Such a secret may be the client's current one: before
    /// rotating, a command that finds its own secret dead must not kill another command's working one.
    /// </summary>
    Task<IReadOnlyList<Guid>> ListOtherPendingSecretsAsync(string deploymentId, string oauthClientId, Guid excludingCommandId, CancellationToken cancellationToken);

    /// <summary>Rotation: stores the new secret encrypted, state <see cref="CommandState.PendingDelivery"/>.</summary>
    Task StorePendingSecretAsync(Guid commandId, PendingSecret secret, CancellationToken cancellationToken);

    /// <summary>Rotation: the pending secret of a command in <see cref="CommandState.PendingDelivery"/>, decrypted; null when there is none.</summary>
    Task<PendingSecret?> ReadPendingSecretAsync(Guid commandId, CancellationToken cancellationToken);

    /// <summary>
    /// Rotation: in one transaction, erases the pending secret, appends <paramref name="rotation"/> to the history and
    /// records the success outcome (state <see cref="CommandState.Succeeded"/>).
    /// </summary>
    Task CompleteRotationAsync(Guid commandId, RotationRecord rotation, RecordedOutcome outcome, CancellationToken cancellationToken);

    /// <summary>
    /// Records the terminal outcome (state <see cref="CommandState.Succeeded"/> or <see cref="CommandState.Failed"/>
    /// per <see cref="RecordedOutcome.Succeeded"/>). A pending secret, if any, is kept: only delivery erases it.
    /// </summary>
    Task CompleteAsync(Guid commandId, RecordedOutcome outcome, CancellationToken cancellationToken);

    /// <summary>
    /// Rotation: in one transaction, erases the pending secret of a command in
    /// <see cref="CommandState.PendingDelivery"/> and moves it back to <see cref="CommandState.Rotating"/>, so the next
    /// attempt rotates again. Used when the pending secret cannot be decrypted any more (e.g. the ledger key changed):
    /// rotating again is the only recovery. Throws <see cref="LedgerStateException"/> in any other state.
    /// </summary>
    Task AbandonPendingSecretAsync(Guid commandId, CancellationToken cancellationToken);

    /// <summary>
    /// Erases a terminal command's pending secret without delivering it: used when a later rotation of the same client
    /// superseded it (the secret no longer works). A no-op when there is none.
    /// </summary>
    Task DiscardPendingSecretAsync(Guid commandId, CancellationToken cancellationToken);

    /// <summary>
    /// Re-opens a command whose recorded failure is retryable, for a re-drive: back to the state it failed in
    /// (<see cref="CommandState.PendingDelivery"/> when a secret is pending, else <see cref="CommandState.Received"/>),
    /// outcome cleared. Returns the updated record.
    /// </summary>
    Task<CommandRecord> ReopenAsync(Guid commandId, CancellationToken cancellationToken);

    /// <summary>
    /// Records, before a call that is not idempotent (a signing-key rotate or compromise), what the command needs to
    /// decide after a crash or a lost answer whether the call took effect: state <see cref="CommandState.Rotating"/>,
    /// rotate-calls + 1, and <paramref name="intent"/> (opaque to the ledger, returned as <see cref="CommandRecord.Intent"/>,
    /// replacing an earlier one). Allowed from <see cref="CommandState.Received"/> or <see cref="CommandState.Rotating"/>.
    /// </summary>
    Task RecordIntentAsync(Guid commandId, string intent, CancellationToken cancellationToken);

    /// <summary>
    /// Signing keys: in one transaction, appends <paramref name="change"/> to the app's signing-key history and records
    /// the success outcome (state <see cref="CommandState.Succeeded"/>).
    /// </summary>
    Task CompleteSigningKeyChangeAsync(Guid commandId, SigningKeyChange change, RecordedOutcome outcome, CancellationToken cancellationToken);

    /// <summary>An app's signing-key history (this worker's successful rotations and compromises), newest first.</summary>
    Task<IReadOnlyList<SigningKeyChange>> ListSigningKeyChangesAsync(string deploymentId, string appSlug, CancellationToken cancellationToken);

    /// <summary>The latest successful rotation of a client, or null.</summary>
    Task<RotationRecord?> FindLastRotationAsync(string deploymentId, string oauthClientId, CancellationToken cancellationToken);

    /// <summary>A client's rotation history, newest first.</summary>
    Task<IReadOnlyList<RotationRecord>> ListRotationsAsync(string deploymentId, string oauthClientId, CancellationToken cancellationToken);
}
