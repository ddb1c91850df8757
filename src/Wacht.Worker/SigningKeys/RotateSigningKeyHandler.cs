using Microsoft.Extensions.Logging;
using Wacht.Client;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.SigningKeys;

/// <summary>
/// Executes <see cref="RotateSigningKey"/>: lists the app's keys, records in the ledger which key is active (the
/// intent), calls rotate, reads the keys back, and records the change and the outcome in one transaction.
/// </summary>
/// <remarks>
/// Rotation is not idempotent at Wacht and the contract's keys carry no timestamps, so a redelivered command whose
/// intent is recorded (a crash, or an answer lost after the call) decides from the keys: a successful rotate always
/// retires the key that was active, so if the recorded key is no longer the active one the call took effect and the
/// command completes without calling again; if it is still active (or none is and none was), the call did not take
/// effect and rotate is called again. See docs/signing-keys.md.
/// </remarks>
internal sealed class RotateSigningKeyHandler(
    ICommandLedger ledger,
    TimeProvider time,
    ILogger<RotateSigningKeyHandler> logger) : ICommandHandler<RotateSigningKey, SigningKeyRotated, SigningKeyRotationFailed>
{
    public const string CommandKind = "rotate-signing-key";

    public string Kind => CommandKind;

    public CommandTarget Target(RotateSigningKey command) => SigningKeyCommands.Target(command.DeploymentId, command.AppSlug);

    public void Validate(RotateSigningKey command, CommandFields fields)
    {
        // The common fields are all it has.
    }

    public IEnumerable<string?> MeaningfulFields(RotateSigningKey command) => [command.DeploymentId, command.AppSlug];

    public async Task<CommandResult<SigningKeyRotated>> ExecuteAsync(RotateSigningKey command, CommandExecution execution, CancellationToken cancellationToken)
    {
        var client = execution.Wacht;
        var record = execution.Record;
        var active = SigningKeyCommands.ActiveKey(await client.ListOAuthAppSigningKeysAsync(command.AppSlug, cancellationToken));
        var calls = record.RotateCalls;

        if (SigningKeyIntent.Parse(record.Intent) is { } earlier)
        {
            if (active is not null && !string.Equals(active.Kid, earlier.ActiveKid, StringComparison.Ordinal))
            {
                SigningKeyLog.RotationRecovered(logger, calls, earlier.ActiveKid ?? "(none)", active.Kid);
                return await CompleteAsync(command, execution, earlier, active, calls);
            }

            SigningKeyLog.RotatingAgain(logger, calls, earlier.ActiveKid ?? "(none)");
        }

        // Intent first: if the process dies during the call, the next attempt knows which key to look for.
        var intent = new SigningKeyIntent(null, null, active?.Kid, time.GetUtcNow());
        await execution.Lock.EnsureHeldAsync(cancellationToken);
        await ledger.RecordIntentAsync(command.CommandId, intent.ToJson(), cancellationToken);
        calls++;
        var created = await client.RotateOAuthAppSigningKeyAsync(command.AppSlug, cancellationToken);

        // Read back: the event names the key the listing shows active, as a relying party will see it.
        var now = SigningKeyCommands.ActiveKey(await client.ListOAuthAppSigningKeysAsync(command.AppSlug, cancellationToken));
        if (now is null || !string.Equals(now.Kid, created.Kid, StringComparison.Ordinal))
        {
            SigningKeyLog.RotatedKeyNotActive(logger, created.Kid, now?.Kid ?? "(none)");
        }

        return await CompleteAsync(command, execution, intent, now ?? created, calls);
    }

    private async Task<CommandResult<SigningKeyRotated>> CompleteAsync(
        RotateSigningKey command, CommandExecution execution, SigningKeyIntent intent, SigningKey active, int calls)
    {
        var rotated = new SigningKeyRotated
        {
            CommandId = command.CommandId,
            DeploymentId = command.DeploymentId,
            AppSlug = command.AppSlug,
            Kid = active.Kid,
            Algorithm = active.Algorithm,
            PreviousKid = intent.ActiveKid,
            RotatedAt = time.GetUtcNow(),
            RotateCalls = calls,
            Trigger = command.Trigger,
            RequestedBy = command.RequestedBy,
            Reason = command.Reason,
            SentBy = execution.SentBy,
        };
        var change = new SigningKeyChange(
            command.CommandId,
            command.DeploymentId,
            command.AppSlug,
            SigningKeyChange.Rotate,
            active.Kid,
            intent.ActiveKid,
            active.Kid,
            intent.At,
            command.Trigger,
            command.RequestedBy,
            command.Reason);

        // The history and the outcome in one transaction. Not cancellable: the key has changed at Wacht.
        await ledger.CompleteSigningKeyChangeAsync(command.CommandId, change, OutcomeCodec.Success(rotated), CancellationToken.None);
        SigningKeyLog.Rotated(logger, active.Kid, intent.ActiveKid ?? "(none)");
        return new CommandResult<SigningKeyRotated>(rotated, RecordedInLedger: true);
    }

    public SigningKeyRotationFailed Failed(RotateSigningKey command, CommandFailure failure, FailureDetails details) => SigningKeyEcho.Bound(new SigningKeyRotationFailed
    {
        CommandId = command.CommandId,
        DeploymentId = command.DeploymentId ?? "",
        AppSlug = command.AppSlug ?? "",
        FailedAt = time.GetUtcNow(),
        ErrorCode = failure.Code,
        Message = failure.Message,
        Retryable = failure.Retryable,
        RotateMayHaveBeenCalled = CallMayHaveBeenMade(details),
        FieldErrors = details.FieldErrors,
        Trigger = command.Trigger ?? CommandTriggers.Command,
        RequestedBy = command.RequestedBy,
        Reason = command.Reason,
        SentBy = details.SentBy,
    });

    /// <summary>
    /// Whether a call may have changed the keys: the ledger says an intent was recorded (any attempt, any instance), or
    /// the ledger could not be read (then nobody can rule it out).
    /// </summary>
    internal static bool CallMayHaveBeenMade(FailureDetails details) =>
        !details.LedgerKnown || details.Record is { } record && (record.RotateCalls > 0 || record.Intent is not null);
}
