using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wacht.Client;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;
using Wacht.Worker.Secrets;

namespace Wacht.Worker.Rotation;

/// <summary>
/// Executes <see cref="RotateSecret"/> as a state machine recorded in the ledger (see docs/rotation.md):
/// <c>received → rotating → pending_delivery → succeeded</c>. Each step is durable before the next starts, so after
/// a crash a redelivered command resumes where it stopped: a pending secret is delivered, not rotated again; a
/// rotation whose outcome is unknown is rotated again, which is safe because a secret nobody saw is already invalid.
/// </summary>
internal sealed class RotateSecretHandler(
    ICommandLedger ledger,
    ISecretDestination destination,
    IOptions<RotationOptions> options,
    SecretProtector protector,
    TimeProvider time,
    ILogger<RotateSecretHandler> logger) : ICommandHandler<RotateSecret, SecretRotated, SecretRotationFailed>
{
    public const string CommandKind = "rotate-secret";

    /// <summary>Attempts to store a freshly issued secret (100 ms, doubling: about 3 s in all).</summary>
    private const int StoreAttempts = 6;

    public string Kind => CommandKind;

    public CommandTarget Target(RotateSecret command) =>
        new(command.OAuthClientId, LockKeys.Client(command.DeploymentId, command.OAuthClientId));

    public void Validate(RotateSecret command, CommandFields fields) =>
        fields.DecimalId(nameof(RotateSecret.OAuthClientId), command.OAuthClientId);

    public IEnumerable<string?> MeaningfulFields(RotateSecret command) => [command.DeploymentId, command.AppSlug, command.OAuthClientId];

    public SecretRotationFailed Failed(RotateSecret command, CommandFailure failure, FailureDetails details) => FailureEcho.Bound(new SecretRotationFailed
    {
        CommandId = command.CommandId,
        DeploymentId = command.DeploymentId ?? "",
        AppSlug = command.AppSlug ?? "",
        OAuthClientId = command.OAuthClientId ?? "",
        FailedAt = time.GetUtcNow(),
        ErrorCode = failure.Code,
        Message = failure.Message,
        Retryable = failure.Retryable,
        OldSecretMayBeInvalid = failure.Code != ErrorCodes.Superseded && RotateMayHaveBeenCalled(details),
        FieldErrors = details.FieldErrors,
        Trigger = command.Trigger ?? CommandTriggers.Command,
        RequestedBy = command.RequestedBy,
        Reason = command.Reason,
        SentBy = details.SentBy,
    });

    /// <summary>
    /// Whether Wacht may have issued a secret for this command that is not at the destination, i.e. the old secret may
    /// be dead. Decided by what the ledger knows of the command (any attempt, any instance), not by this attempt's
    /// memory: a rotate call whose response was lost on an earlier attempt counts. When the ledger could not be read,
    /// the answer is yes: nobody can rule it out.
    /// </summary>
    private static bool RotateMayHaveBeenCalled(FailureDetails details) =>
        !details.LedgerKnown
        || details.Record is { } record && (record.RotateCalls > 0 || record.State is CommandState.Rotating or CommandState.PendingDelivery);

    public async Task<CommandResult<SecretRotated>> ExecuteAsync(RotateSecret command, CommandExecution execution, CancellationToken cancellationToken)
    {
        var record = execution.Record;
        if (!options.Value.Enabled || !protector.IsAvailable)
        {
            // Checked before anything else: without rotation the ledger may have no key, and a secret rotated then
            // would have nowhere safe to go.
            throw new CommandFailureException(new CommandFailure(
                ErrorCodes.RotationDisabled,
                options.Value.Enabled
                    ? "Secret rotation needs a ledger encryption key (Worker:Ledger:EncryptionKey) and none is configured; nothing was called."
                    : $"Secret rotation is disabled in this worker ({RotationOptions.SectionPath}:Enabled is false); nothing was called.",
                Retryable: true,
                Transient: false));
        }

        PendingSecret? pending = null;
        if (record.State == CommandState.PendingDelivery)
        {
            try
            {
                pending = await ledger.ReadPendingSecretAsync(command.CommandId, cancellationToken);
            }
            catch (SecretProtectionException exception)
            {
                // Unreadable (the ledger key changed, or the blob is damaged): the secret is lost either way, and the
                // only way back to a working secret at the destination is to rotate again.
                RotationLog.PendingSecretUnreadable(logger, exception.Message);
                await ledger.AbandonPendingSecretAsync(command.CommandId, CancellationToken.None);
            }
        }

        var rotateCalls = record.RotateCalls;
        if (pending is null)
        {
            if (record.State == CommandState.Rotating)
            {
                RotationLog.RotatingAgain(logger, record.RotateCalls);
            }

            pending = await RotateAsync(command, execution, cancellationToken);
            rotateCalls++;
        }
        else
        {
            await EnsureNotSupersededAsync(command, pending, cancellationToken);
            RotationLog.ResumingDelivery(logger, pending.Secret.Fingerprint);
        }

        // Another instance must not be rotating this client while this one writes to the destination.
        await execution.Lock.EnsureHeldAsync(cancellationToken);
        string key;
        try
        {
            key = await destination.DeliverAsync(
                new SecretDelivery(command.CommandId, command.DeploymentId, command.AppSlug, command.OAuthClientId, pending.ClientId, pending.Secret, pending.IssuedAt),
                cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The secret stays encrypted in the ledger (state pending_delivery): a retry or a re-drive delivers it.
            throw new CommandFailureException(
                new CommandFailure(
                    ErrorCodes.SecretDeliveryFailed,
                    $"The new secret (fingerprint {pending.Secret.Fingerprint}) is held in the ledger but the '{destination.Name}' destination refused it: {exception.GetType().Name}. Re-drive the command to deliver it.",
                    Retryable: true,
                    Transient: true),
                exception);
        }

        RotationLog.Delivered(logger, destination.Name, key, pending.Secret.Fingerprint);

        var rotated = new SecretRotated
        {
            CommandId = command.CommandId,
            DeploymentId = command.DeploymentId,
            AppSlug = command.AppSlug,
            OAuthClientId = command.OAuthClientId,
            ClientId = pending.ClientId,
            RotatedAt = pending.IssuedAt,
            Destination = destination.Name,
            DestinationKey = key,
            SecretFingerprint = pending.Secret.Fingerprint,
            RotateCalls = rotateCalls,
            Trigger = command.Trigger,
            RequestedBy = command.RequestedBy,
            Reason = command.Reason,
            SentBy = execution.SentBy,
        };

        var history = new RotationRecord(
            command.CommandId,
            command.DeploymentId,
            command.AppSlug,
            command.OAuthClientId,
            pending.ClientId,
            pending.IssuedAt,
            command.Trigger,
            command.RequestedBy,
            command.Reason,
            destination.Name,
            key,
            pending.Secret.Fingerprint);

        // Erases the secret from the ledger and records the outcome in one transaction. Not cancellable: the secret
        // is delivered; stopping now would only make the next attempt deliver it again.
        await ledger.CompleteRotationAsync(command.CommandId, history, OutcomeCodec.Success(rotated), CancellationToken.None);
        return new CommandResult<SecretRotated>(rotated, RecordedInLedger: true);
    }

    /// <summary>
    /// A pending secret is only worth delivering while it is the client's newest. If another command rotated the client
    /// after this one (this one's delivery failed or it crashed, and it is being re-driven later), delivering the
    /// older secret would overwrite the working one at the destination with one Wacht no longer accepts.
    /// </summary>
    private async Task EnsureNotSupersededAsync(RotateSecret command, PendingSecret pending, CancellationToken cancellationToken)
    {
        // Every rotate call is preceded by a recorded intent. Rotations of one client are serialised by the client
        // lock, so another command's intent later than this secret's issue time means Wacht has issued a newer secret
        // since (whether or not that one was delivered). Times come from the instances' clocks; their skew is far
        // smaller than the time a failed delivery takes to be re-driven.
        var latest = await ledger.FindLatestRotateIntentAsync(command.DeploymentId, command.OAuthClientId, command.CommandId, cancellationToken);
        if (latest is null || latest < pending.IssuedAt)
        {
            return;
        }

        throw new CommandFailureException(new CommandFailure(
            ErrorCodes.Superseded,
            $"Another command rotated this client again at {latest:O}, after this command's secret (fingerprint {pending.Secret.Fingerprint}) was issued; "
                + "that secret no longer works and was discarded, not delivered.",
            Retryable: false,
            Transient: false))
        {
            DiscardPendingSecret = true,
        };
    }

    private async Task<PendingSecret> RotateAsync(RotateSecret command, CommandExecution execution, CancellationToken cancellationToken)
    {
        var client = execution.Wacht;
        // Look the client up first: refusing an unsupported or inactive client here costs a read and spares a
        // pointless non-idempotent call; it also yields the public client_id the destination files the secret under.
        var clients = await client.ListOAuthClientsAsync(command.AppSlug, cancellationToken);
        var target = clients.FirstOrDefault(c => string.Equals(c.Id, command.OAuthClientId, StringComparison.Ordinal))
            ?? throw new CommandFailureException(new CommandFailure(
                ErrorCodes.NotFound,
                $"OAuth client {command.OAuthClientId} does not exist in app '{command.AppSlug}' of deployment {command.DeploymentId}.",
                Retryable: false,
                Transient: false));

        if (!target.IsActive)
        {
            throw new CommandFailureException(new CommandFailure(
                ErrorCodes.NotFound,
                $"OAuth client {command.OAuthClientId} ({target.ClientId}) is inactive; Wacht rotates only active clients.",
                Retryable: false,
                Transient: false));
        }

        if (!ClientAuthMethods.UsesSecret(target.ClientAuthMethod))
        {
            throw new CommandFailureException(new CommandFailure(
                ErrorCodes.RotationNotSupported,
                $"OAuth client {command.OAuthClientId} ({target.ClientId}) authenticates with '{target.ClientAuthMethod}', which has no client secret to rotate.",
                Retryable: false,
                Transient: false));
        }

        using var clientScope = logger.BeginScope(new LogScope(("ClientId", target.ClientId)));

        // Intent first: if the process dies during the call, the ledger says "rotating" and the next attempt rotates
        // again instead of assuming nothing happened.
        await execution.Lock.EnsureHeldAsync(cancellationToken);
        await ledger.MarkRotatingAsync(command.CommandId, cancellationToken);
        RotatedClientSecret rotated;
        try
        {
            rotated = await client.RotateOAuthClientSecretAsync(command.AppSlug, command.OAuthClientId, cancellationToken);
        }
        catch (WachtBadRequestException exception)
        {
            // The platform's refusal for auth methods without a secret; the method may have changed since the lookup.
            throw new CommandFailureException(new CommandFailure(ErrorCodes.RotationNotSupported, exception.Message, false, false), exception);
        }

        var pending = new PendingSecret(target.ClientId, rotated.ClientSecret, time.GetUtcNow());
        await StorePendingAsync(command.CommandId, pending);
        RotationLog.Rotated(logger, target.ClientId, pending.Secret.Fingerprint);
        return pending;
    }

    /// <summary>
    /// The new secret exists nowhere else and the old one no longer works: persist it before anything else, not
    /// cancellable by shutdown, and retried a few times in place while the secret is still in memory (a busy or
    /// failing-over database must not cost a secret). If every attempt fails the ledger still says "rotating", so the
    /// command's next attempt rotates again.
    /// </summary>
    private async Task StorePendingAsync(Guid commandId, PendingSecret pending)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ledger.StorePendingSecretAsync(commandId, pending, CancellationToken.None);
                return;
            }
            catch (System.Data.Common.DbException exception) when (attempt < StoreAttempts)
            {
                RotationLog.StoreRetrying(logger, attempt, StoreAttempts, exception.GetType().Name);
                await Task.Delay(delay, time, CancellationToken.None);
                delay *= 2;
            }
        }
    }
}
