using Microsoft.Extensions.Logging;
using Wacht.Client;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.SigningKeys;

/// <summary>
/// Executes <see cref="CompromiseSigningKey"/>: lists the app's keys; a listed key gets an intent recorded in the ledger,
/// the compromise call, and a read-back that must no longer list it; the change and the outcome are recorded in one
/// transaction.
/// </summary>
/// <remarks>
/// A compromised key is not listed, and compromising it again answers 404, exactly as for a kid that never existed.
/// An unlisted kid therefore succeeds only on evidence: this command's own recorded intent (its earlier call took
/// effect: the answer was lost or the process died), or the worker's signing-key history showing an earlier
/// compromise of that kid (<see cref="SigningKeyCompromised.AlreadyCompromised"/>). Without either it is
/// <c>not_found</c>: a mistyped kid must not read as "the leaked key is dead" while the real one still signs.
/// See docs/signing-keys.md.
/// </remarks>
internal sealed class CompromiseSigningKeyHandler(
    ICommandLedger ledger,
    TimeProvider time,
    ILogger<CompromiseSigningKeyHandler> logger) : ICommandHandler<CompromiseSigningKey, SigningKeyCompromised, SigningKeyCompromiseFailed>
{
    public const string CommandKind = "compromise-signing-key";

    public string Kind => CommandKind;

    public CommandTarget Target(CompromiseSigningKey command) => SigningKeyCommands.Target(command.DeploymentId, command.AppSlug);

    public void Validate(CompromiseSigningKey command, CommandFields fields) =>
        SigningKeyCommands.ValidateKid(fields, nameof(CompromiseSigningKey.Kid), command.Kid);

    public IEnumerable<string?> MeaningfulFields(CompromiseSigningKey command) => [command.DeploymentId, command.AppSlug, command.Kid];

    public async Task<CommandResult<SigningKeyCompromised>> ExecuteAsync(CompromiseSigningKey command, CommandExecution execution, CancellationToken cancellationToken)
    {
        var client = execution.Wacht;
        var record = execution.Record;
        var keys = await client.ListOAuthAppSigningKeysAsync(command.AppSlug, cancellationToken);
        var target = Listed(keys, command.Kid);
        var calls = record.RotateCalls;

        if (target is null)
        {
            if (SigningKeyIntent.Parse(record.Intent) is { } earlier)
            {
                // This command called compromise before (the key was listed then) and the key is gone now: that call took effect.
                SigningKeyLog.CompromiseRecovered(logger, calls, command.Kid);
                return await CompleteAsync(command, execution, earlier, keys, calls);
            }

            var history = await ledger.ListSigningKeyChangesAsync(command.DeploymentId, command.AppSlug, cancellationToken);
            var compromised = history.FirstOrDefault(c =>
                c.Kind == SigningKeyChange.Compromise && string.Equals(c.Kid, command.Kid, StringComparison.Ordinal));
            if (compromised is null)
            {
                throw new CommandFailureException(new CommandFailure(
                    ErrorCodes.NotFound,
                    $"Signing key '{command.Kid}' is not listed for app '{command.AppSlug}' of deployment {command.DeploymentId}, and this worker has no record of compromising it: "
                        + $"either it does not exist or it was compromised elsewhere (Wacht lists neither). Listed keys: {SigningKeyCommands.Describe(keys)}.",
                    Retryable: false,
                    Transient: false));
            }

            SigningKeyLog.AlreadyCompromised(logger, command.Kid, compromised.CommandId, compromised.ChangedAt);
            return new CommandResult<SigningKeyCompromised>(Event(command, execution, previousStatus: null, alreadyCompromised: true, keys, calls: 0));
        }

        var intent = new SigningKeyIntent(command.Kid, target.Status, SigningKeyCommands.ActiveKey(keys)?.Kid, time.GetUtcNow());
        await execution.Lock.EnsureHeldAsync(cancellationToken);
        await ledger.RecordIntentAsync(command.CommandId, intent.ToJson(), cancellationToken);
        calls++;
        try
        {
            await client.CompromiseOAuthAppSigningKeyAsync(command.AppSlug, command.Kid, cancellationToken);
        }
        catch (WachtNotFoundException)
        {
            // Listed a moment ago, unknown now: compromised in between (or the app is gone). The read-back decides.
        }

        var after = await client.ListOAuthAppSigningKeysAsync(command.AppSlug, cancellationToken);
        if (Listed(after, command.Kid) is { } still)
        {
            // Wacht accepted the call but still lists the key (still published, so tokens it signed may verify):
            // retried, and since the key is listed, the next attempt calls again.
            throw new CommandFailureException(new CommandFailure(
                ErrorCodes.WachtUnavailable,
                $"Wacht accepted the compromise of signing key '{command.Kid}' but still lists it ({still.Status}); it may still be published.",
                Retryable: true,
                Transient: true));
        }

        return await CompleteAsync(command, execution, intent, after, calls);
    }

    /// <summary>The key with this kid as listed, unless it says it is compromised (then it counts as gone, as on the platform).</summary>
    private static SigningKey? Listed(IReadOnlyList<SigningKey> keys, string kid) =>
        keys.FirstOrDefault(k => string.Equals(k.Kid, kid, StringComparison.Ordinal)
            && !string.Equals(k.Status, SigningKeyCommands.Compromised, StringComparison.Ordinal));

    private async Task<CommandResult<SigningKeyCompromised>> CompleteAsync(
        CompromiseSigningKey command, CommandExecution execution, SigningKeyIntent intent, IReadOnlyList<SigningKey> after, int calls)
    {
        var compromised = Event(command, execution, intent.Status, alreadyCompromised: false, after, calls);
        var change = new SigningKeyChange(
            command.CommandId,
            command.DeploymentId,
            command.AppSlug,
            SigningKeyChange.Compromise,
            command.Kid,
            intent.ActiveKid,
            compromised.ActiveKid,
            intent.At,
            command.Trigger,
            command.RequestedBy,
            command.Reason);

        // The history and the outcome in one transaction. Not cancellable: the key is compromised at Wacht.
        await ledger.CompleteSigningKeyChangeAsync(command.CommandId, change, OutcomeCodec.Success(compromised), CancellationToken.None);
        SigningKeyLog.Compromised(logger, command.Kid, intent.Status ?? "unknown", compromised.ActiveKid ?? "(none)");
        return new CommandResult<SigningKeyCompromised>(compromised, RecordedInLedger: true);
    }

    private SigningKeyCompromised Event(
        CompromiseSigningKey command, CommandExecution execution, string? previousStatus, bool alreadyCompromised, IReadOnlyList<SigningKey> keys, int calls) => new()
        {
            CommandId = command.CommandId,
            DeploymentId = command.DeploymentId,
            AppSlug = command.AppSlug,
            Kid = command.Kid,
            PreviousStatus = previousStatus,
            AlreadyCompromised = alreadyCompromised,
            ActiveKid = SigningKeyCommands.ActiveKey(keys)?.Kid,
            CompromisedAt = time.GetUtcNow(),
            CompromiseCalls = calls,
            Trigger = command.Trigger,
            RequestedBy = command.RequestedBy,
            Reason = command.Reason,
            SentBy = execution.SentBy,
        };

    public SigningKeyCompromiseFailed Failed(CompromiseSigningKey command, CommandFailure failure, FailureDetails details) => SigningKeyEcho.Bound(new SigningKeyCompromiseFailed
    {
        CommandId = command.CommandId,
        DeploymentId = command.DeploymentId ?? "",
        AppSlug = command.AppSlug ?? "",
        Kid = command.Kid ?? "",
        FailedAt = time.GetUtcNow(),
        ErrorCode = failure.Code,
        Message = failure.Message,
        Retryable = failure.Retryable,
        CompromiseMayHaveBeenCalled = RotateSigningKeyHandler.CallMayHaveBeenMade(details),
        FieldErrors = details.FieldErrors,
        Trigger = command.Trigger ?? CommandTriggers.Command,
        RequestedBy = command.RequestedBy,
        Reason = command.Reason,
        SentBy = details.SentBy,
    });
}
