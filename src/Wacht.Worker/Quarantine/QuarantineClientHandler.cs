using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wacht.Client;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;
using Wacht.Worker.Rotation;

namespace Wacht.Worker.Quarantine;

/// <summary>
/// Executes <see cref="QuarantineClient"/>: rotate the client's secret, revoke every active grant, optionally deactivate
/// the client, each step recorded in the ledger (<see cref="QuarantineProgress"/>) before the next starts.
/// </summary>
/// <remarks>
/// The secret step is a rotation of its own, <see cref="RotateCommandId"/>, recorded in the ledger as a
/// <c>rotate-secret</c> command: delivered, it runs through <see cref="RotateSecretHandler"/> itself (route and preflight
/// before rotate, the in-flight wait, pending secret, delivery, verification, rotation history), so a crash inside it
/// resumes exactly as a RotateSecret's would. Discarded, it makes the rotate call under the same in-flight bookkeeping
/// (a later RotateSecret of the client waits for it) and keeps nothing of the secret but its fingerprint.
/// The command holds the client's lock (<see cref="LockKeys.Client"/>) throughout, the same lock as RotateSecret and
/// RevokeGrant, so no other command of the client runs in between. See docs/messages.md.
/// </remarks>
internal sealed class QuarantineClientHandler(
    ICommandLedger ledger,
    ICommandHandler<RotateSecret, SecretRotated, SecretRotationFailed> rotation,
    IOptions<RotationOptions> rotationOptions,
    TimeProvider time,
    ILogger<QuarantineClientHandler> logger) : ICommandHandler<QuarantineClient, ClientQuarantined, ClientQuarantineFailed>
{
    public const string CommandKind = "quarantine-client";

    /// <summary>Listings after the last revoke that may still show new active grants before the step gives up.</summary>
    private const int RevokeRounds = 3;

    /// <summary>A discarded secret's "route" in the rotation history and the event.</summary>
    internal const string DiscardRoute = "discard";

    public string Kind => CommandKind;

    public CommandTarget Target(QuarantineClient command) =>
        new(command.OAuthClientId, LockKeys.Client(command.DeploymentId, command.OAuthClientId));

    public void Validate(QuarantineClient command, CommandFields fields) =>
        fields.DecimalId(nameof(QuarantineClient.OAuthClientId), command.OAuthClientId);

    public IEnumerable<string?> MeaningfulFields(QuarantineClient command) =>
        [command.DeploymentId, command.AppSlug, command.OAuthClientId, command.Discard ? "discard" : "deliver", command.Deactivate ? "deactivate" : "keep-active"];

    /// <summary>The id of the rotation a quarantine runs: derived, so every re-drive finds the same one.</summary>
    public static Guid RotateCommandId(Guid quarantineCommandId) =>
        DeterministicGuid.Create("quarantine-rotate", quarantineCommandId.ToString("D"));

    public async Task<CommandResult<ClientQuarantined>> ExecuteAsync(QuarantineClient command, CommandExecution execution, CancellationToken cancellationToken)
    {
        var progress = QuarantineProgress.Parse(execution.Record.Intent);
        if (execution.Record.Intent is not null)
        {
            QuarantineLog.Resuming(logger, progress.Secret is not null, progress.RevokedGrantIds.Count, progress.Deactivated);
        }

        if (progress.Secret is null)
        {
            progress = await RotateStepAsync(command, execution, progress, cancellationToken);
        }

        if (!progress.GrantsRevoked)
        {
            progress = await RevokeStepAsync(command, execution, progress, cancellationToken);
        }

        if (command.Deactivate && !progress.Deactivated)
        {
            progress = await DeactivateStepAsync(command, execution, progress, cancellationToken);
        }

        return new CommandResult<ClientQuarantined>(new ClientQuarantined
        {
            CommandId = command.CommandId,
            DeploymentId = command.DeploymentId,
            AppSlug = command.AppSlug,
            OAuthClientId = command.OAuthClientId,
            ClientId = progress.ClientId ?? "",
            Secret = progress.Secret!,
            RevokedGrantIds = progress.RevokedGrantIds,
            Deactivated = progress.Deactivated,
            QuarantinedAt = time.GetUtcNow(),
            Trigger = command.Trigger,
            RequestedBy = command.RequestedBy,
            Reason = command.Reason,
            SentBy = execution.SentBy,
        });
    }

    public ClientQuarantineFailed Failed(QuarantineClient command, CommandFailure failure, FailureDetails details)
    {
        // Progress comes from the ledger, read after the failure; when it cannot be read, nothing is claimed done and
        // the old secret may be dead.
        QuarantineProgress progress;
        try
        {
            progress = QuarantineProgress.Parse(details.Record?.Intent);
        }
        catch (InvalidOperationException)
        {
            progress = new QuarantineProgress { RotateMayHaveBeenCalled = true };
        }

        var executed = details.Record is not null || !details.LedgerKnown;
        var remaining = executed ? progress.Remaining(command.Deactivate) : new QuarantineProgress().Remaining(command.Deactivate);
        return Bound(new ClientQuarantineFailed
        {
            CommandId = command.CommandId,
            DeploymentId = command.DeploymentId ?? "",
            AppSlug = command.AppSlug ?? "",
            OAuthClientId = command.OAuthClientId ?? "",
            FailedAt = time.GetUtcNow(),
            ErrorCode = failure.Code,
            Message = failure.Message,
            Retryable = failure.Retryable,
            FailedStep = executed && remaining.Count > 0 ? remaining[0] : null,
            Secret = progress.Secret ?? new QuarantineSecretStep { RotateCommandId = RotateCommandId(command.CommandId) },
            OldSecretMayBeInvalid = progress.Secret is null && (!details.LedgerKnown || progress.RotateMayHaveBeenCalled),
            RevokedGrantIds = progress.RevokedGrantIds,
            Deactivated = progress.Deactivated,
            Remaining = remaining,
            FieldErrors = details.FieldErrors,
            Trigger = command.Trigger ?? CommandTriggers.Command,
            RequestedBy = command.RequestedBy,
            Reason = command.Reason,
            SentBy = details.SentBy,
        });
    }

    private async Task<QuarantineProgress> RecordAsync(QuarantineClient command, CommandExecution execution, QuarantineProgress progress, CancellationToken cancellationToken)
    {
        await execution.Lock.EnsureHeldAsync(cancellationToken);
        await ledger.RecordIntentAsync(command.CommandId, progress.ToJson(), cancellationToken);
        return progress;
    }

    // ---- Step 1: the secret -------------------------------------------------------------------------------------

    private async Task<QuarantineProgress> RotateStepAsync(QuarantineClient command, CommandExecution execution, QuarantineProgress progress, CancellationToken cancellationToken)
    {
        var rotate = new RotateSecret
        {
            CommandId = RotateCommandId(command.CommandId),
            DeploymentId = command.DeploymentId,
            AppSlug = command.AppSlug,
            OAuthClientId = command.OAuthClientId,
            RequestedBy = command.RequestedBy,
            Reason = $"quarantine {command.CommandId}" + (command.Reason is null ? "" : $": {command.Reason}"),
            Trigger = command.Trigger,
        };

        var record = await BeginRotationAsync(rotate, execution, cancellationToken);
        QuarantineSecretStep step;
        string clientId;
        if (record is { State: CommandState.Succeeded, Outcome: { } done })
        {
            // Finished before a crash (or before the progress was recorded): read back, not repeated.
            (step, clientId) = FromOutcome(command, (SecretRotated)OutcomeCodec.Restore(done));
        }
        else
        {
            try
            {
                (step, clientId) = command.Discard
                    ? await RotateAndDiscardAsync(rotate, execution with { Record = record }, cancellationToken)
                    : FromOutcome(command, (await rotation.ExecuteAsync(rotate, execution with { Record = record }, cancellationToken)).Event);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                await FailRotationAsync(command, rotate, execution, progress, exception);
                throw;
            }
        }

        QuarantineLog.SecretRotated(logger, rotate.CommandId, step.Discarded, step.SecretFingerprint ?? "-");
        return await RecordAsync(command, execution, progress with { Secret = step, ClientId = clientId, RotateMayHaveBeenCalled = false }, cancellationToken);
    }

    private static (QuarantineSecretStep Step, string ClientId) FromOutcome(QuarantineClient command, SecretRotated rotated) => (new QuarantineSecretStep
    {
        Rotated = true,
        Discarded = command.Discard,
        RotateCommandId = rotated.CommandId,
        RotatedAt = rotated.RotatedAt,
        Route = command.Discard ? null : rotated.Route,
        Destination = command.Discard ? null : rotated.Destination,
        DestinationKey = command.Discard ? null : rotated.DestinationKey,
        SecretFingerprint = command.Discard ? null : rotated.SecretFingerprint,
        VerifiedAt = rotated.VerifiedAt,
        ReloadFailed = rotated.ReloadFailed,
    }, rotated.ClientId);

    /// <summary>
    /// The quarantine's rotation as a ledger record: begun once, answered from the ledger when finished, re-opened when
    /// it failed retryably (as the pipeline does for a RotateSecret sent again), refused when it failed for good.
    /// </summary>
    private async Task<CommandRecord> BeginRotationAsync(RotateSecret rotate, CommandExecution execution, CancellationToken cancellationToken)
    {
        var record = await ledger.BeginAsync(
            new CommandStart(
                rotate.CommandId,
                RotateSecretHandler.CommandKind,
                rotate.DeploymentId,
                rotate.AppSlug,
                rotate.OAuthClientId,
                rotate.Trigger,
                rotate.RequestedBy,
                rotate.Reason,
                CommandFingerprint.Of(RotateSecretHandler.CommandKind, rotation.MeaningfulFields(rotate)),
                execution.SentBy),
            cancellationToken);
        if (!string.Equals(record.Kind, RotateSecretHandler.CommandKind, StringComparison.Ordinal)
            || !string.Equals(record.TargetId, rotate.OAuthClientId, StringComparison.Ordinal))
        {
            throw new CommandFailureException(new CommandFailure(
                ErrorCodes.CommandIdConflict,
                $"The quarantine's rotation id {rotate.CommandId} is already used by a {record.Kind} command; nothing was rotated.",
                Retryable: false,
                Transient: false));
        }

        if (record is { State: CommandState.Failed, Outcome: { } failed })
        {
            if (!failed.Retryable)
            {
                var earlier = (SecretRotationFailed)OutcomeCodec.Restore(failed);
                throw new CommandFailureException(new CommandFailure(
                    earlier.ErrorCode,
                    $"The quarantine's rotation (command {rotate.CommandId}) failed for good earlier: {earlier.Message}",
                    Retryable: false,
                    Transient: false));
            }

            record = await ledger.ReopenAsync(rotate.CommandId, cancellationToken);
        }

        return record;
    }

    /// <summary>
    /// Ends the rotation's record as the pipeline would end a RotateSecret that failed (its failure outcome; its pending
    /// secret discarded when the failure says so), and notes in the quarantine's progress whether the old secret may be
    /// dead. Best effort: the quarantine's own failure is what the caller reports.
    /// </summary>
    private async Task FailRotationAsync(QuarantineClient command, RotateSecret rotate, CommandExecution execution, QuarantineProgress progress, Exception exception)
    {
        var failure = exception is CommandFailureException specific ? specific.Failure : CommandFailure.From(exception);
        try
        {
            var record = await ledger.FindAsync(rotate.CommandId, CancellationToken.None);
            if (record is null || record.IsTerminal)
            {
                return;
            }

            var details = new FailureDetails(exception, [], record, LedgerKnown: true, execution.SentBy);
            var @event = rotation.Failed(rotate, failure, details);
            await ledger.CompleteAsync(rotate.CommandId, OutcomeCodec.Failure(@event, failure.Retryable), CancellationToken.None);
            if (exception is CommandFailureException { DiscardPendingSecret: true })
            {
                await ledger.DiscardPendingSecretAsync(rotate.CommandId, CancellationToken.None);
            }

            if (@event.OldSecretMayBeInvalid)
            {
                await ledger.RecordIntentAsync(command.CommandId, (progress with { RotateMayHaveBeenCalled = true }).ToJson(), CancellationToken.None);
            }
        }
        catch (Exception bookkeeping) when (bookkeeping is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            // The rotation's record stays non-terminal: its next attempt resumes it as it is.
        }
    }

    /// <summary>
    /// Discard: the rotate call under the rotation's in-flight bookkeeping, and nothing kept of the secret but its
    /// fingerprint. A crash during the call leaves the record "rotating"; the re-drive calls rotate again after the
    /// call's deadline (harmless: nobody was to hold either secret).
    /// </summary>
    private async Task<(QuarantineSecretStep Step, string ClientId)> RotateAndDiscardAsync(RotateSecret rotate, CommandExecution execution, CancellationToken cancellationToken)
    {
        var wacht = execution.Wacht;
        var clients = await wacht.ListOAuthClientsAsync(rotate.AppSlug, cancellationToken);
        var client = clients.FirstOrDefault(c => string.Equals(c.Id, rotate.OAuthClientId, StringComparison.Ordinal));
        if (client is null || !client.IsActive)
        {
            throw new CommandFailureException(new CommandFailure(
                ErrorCodes.NotFound,
                client is null
                    ? $"OAuth client {rotate.OAuthClientId} does not exist in app '{rotate.AppSlug}' of deployment {rotate.DeploymentId}."
                    : $"OAuth client {rotate.OAuthClientId} ({client.ClientId}) is inactive; Wacht rotates only active clients.",
                Retryable: false,
                Transient: false));
        }

        if (!ClientAuthMethods.UsesSecret(client.ClientAuthMethod))
        {
            throw new CommandFailureException(new CommandFailure(
                ErrorCodes.RotationNotSupported,
                $"OAuth client {rotate.OAuthClientId} ({client.ClientId}) authenticates with '{client.ClientAuthMethod}', which has no client secret to rotate.",
                Retryable: false,
                Transient: false));
        }

        // As RotateSecretHandler: no rotate call while an earlier one for the client may still land after it.
        while (await ledger.FindRotateInFlightUntilAsync(rotate.DeploymentId, rotate.OAuthClientId, cancellationToken) is { } until && until > time.GetUtcNow())
        {
            var wait = until - time.GetUtcNow();
            QuarantineLog.WaitingForEarlierCall(logger, until, wait);
            await Task.Delay(wait, time, cancellationToken);
        }

        await execution.Lock.EnsureHeldAsync(cancellationToken);
        await ledger.MarkRotatingAsync(rotate.CommandId, time.GetUtcNow() + rotationOptions.Value.InFlightWindow, cancellationToken);
        RotatedClientSecret rotated;
        try
        {
            rotated = await wacht.RotateOAuthClientSecretAsync(rotate.AppSlug, rotate.OAuthClientId, cancellationToken);
        }
        catch (WachtException exception) when (exception.StatusCode is { } status
            && status is not (System.Net.HttpStatusCode.BadGateway or System.Net.HttpStatusCode.GatewayTimeout or System.Net.HttpStatusCode.RequestTimeout))
        {
            // Wacht answered: the call cannot take effect later.
            await ledger.SettleRotateAsync(rotate.CommandId, CancellationToken.None);
            if (exception is WachtBadRequestException)
            {
                throw new CommandFailureException(new CommandFailure(ErrorCodes.RotationNotSupported, exception.Message, false, false), exception);
            }

            throw;
        }

        // Only the fingerprint survives this method; the secret itself is dropped here.
        var fingerprint = rotated.ClientSecret.Fingerprint;
        var issuedAt = time.GetUtcNow();
        await ledger.SettleRotateAsync(rotate.CommandId, CancellationToken.None);
        var @event = new SecretRotated
        {
            CommandId = rotate.CommandId,
            DeploymentId = rotate.DeploymentId,
            AppSlug = rotate.AppSlug,
            OAuthClientId = rotate.OAuthClientId,
            ClientId = client.ClientId,
            RotatedAt = issuedAt,
            Route = DiscardRoute,
            SecretFingerprint = fingerprint,
            RotateCalls = execution.Record.RotateCalls + 1,
            Trigger = rotate.Trigger,
            RequestedBy = rotate.RequestedBy,
            Reason = rotate.Reason,
            SentBy = execution.SentBy,
        };
        var history = new RotationRecord(
            rotate.CommandId,
            rotate.DeploymentId,
            rotate.AppSlug,
            rotate.OAuthClientId,
            client.ClientId,
            issuedAt,
            rotate.Trigger,
            rotate.RequestedBy,
            rotate.Reason,
            Destination: "",
            DestinationKey: "",
            SecretFingerprint: fingerprint,
            SentBy: execution.SentBy,
            Route: DiscardRoute);

        // Not cancellable: the secret has changed at Wacht.
        await ledger.CompleteRotationAsync(rotate.CommandId, history, OutcomeCodec.Success(@event), CancellationToken.None);
        return (new QuarantineSecretStep { Rotated = true, Discarded = true, RotateCommandId = rotate.CommandId, RotatedAt = issuedAt }, client.ClientId);
    }

    // ---- Step 2: the grants -------------------------------------------------------------------------------------

    private async Task<QuarantineProgress> RevokeStepAsync(QuarantineClient command, CommandExecution execution, QuarantineProgress progress, CancellationToken cancellationToken)
    {
        var wacht = execution.Wacht;
        for (var round = 1; ; round++)
        {
            var grants = await wacht.ListOAuthGrantsAsync(command.AppSlug, command.OAuthClientId, cancellationToken);
            if (progress.Revoking is { } pending)
            {
                // The last revoke call before a restart: revoked now means it took effect (or someone else revoked it);
                // either way this command asked for it and does not call again.
                var grant = grants.FirstOrDefault(g => string.Equals(g.Id, pending, StringComparison.Ordinal));
                if (grant is null || !string.Equals(grant.Status, GrantStatuses.Active, StringComparison.Ordinal))
                {
                    QuarantineLog.RevokeRecovered(logger, pending);
                    progress = await RecordAsync(command, execution, progress with { Revoking = null, RevokedGrantIds = [.. progress.RevokedGrantIds, pending] }, cancellationToken);
                }
            }

            var active = grants
                .Where(static g => string.Equals(g.Status, GrantStatuses.Active, StringComparison.Ordinal))
                .Select(static g => g.Id)
                .Order(StringComparer.Ordinal)
                .ToList();
            if (active.Count == 0)
            {
                return await RecordAsync(command, execution, progress with { Revoking = null, GrantsRevoked = true }, cancellationToken);
            }

            if (round > RevokeRounds)
            {
                throw new CommandFailureException(new CommandFailure(
                    ErrorCodes.WachtUnavailable,
                    $"Client {command.OAuthClientId} still has {active.Count} active grant(s) ({string.Join(", ", active.Take(10))}) after {RevokeRounds} rounds of revocation: "
                        + "grants keep appearing. Re-send the command to revoke them.",
                    Retryable: true,
                    Transient: false));
            }

            if (round > 1)
            {
                QuarantineLog.GrantsAppeared(logger, active.Count, round);
            }

            foreach (var grantId in active)
            {
                progress = await RecordAsync(command, execution, progress with { Revoking = grantId }, cancellationToken);
                await wacht.RevokeOAuthGrantAsync(command.AppSlug, command.OAuthClientId, grantId, cancellationToken);
                QuarantineLog.GrantRevoked(logger, grantId);
                progress = await RecordAsync(command, execution, progress with { Revoking = null, RevokedGrantIds = [.. progress.RevokedGrantIds, grantId] }, cancellationToken);
            }
        }
    }

    // ---- Step 3: deactivation -----------------------------------------------------------------------------------

    private async Task<QuarantineProgress> DeactivateStepAsync(QuarantineClient command, CommandExecution execution, QuarantineProgress progress, CancellationToken cancellationToken)
    {
        var wacht = execution.Wacht;
        if (progress.Deactivating && await IsInactiveAsync(command, wacht, cancellationToken))
        {
            // The call made before a restart took effect: not called again.
            QuarantineLog.Deactivated(logger, alreadyInactive: true);
            return await RecordAsync(command, execution, progress with { Deactivating = false, Deactivated = true }, cancellationToken);
        }

        progress = await RecordAsync(command, execution, progress with { Deactivating = true }, cancellationToken);
        var alreadyInactive = false;
        try
        {
            await wacht.DeactivateOAuthClientAsync(command.AppSlug, command.OAuthClientId, cancellationToken);
        }
        catch (WachtNotFoundException)
        {
            // A second deactivate answers 404: someone else deactivated it meanwhile (or the client is gone). The listing says which.
            if (!await IsInactiveAsync(command, wacht, cancellationToken))
            {
                throw;
            }

            alreadyInactive = true;
        }

        QuarantineLog.Deactivated(logger, alreadyInactive);
        return await RecordAsync(command, execution, progress with { Deactivating = false, Deactivated = true }, cancellationToken);
    }

    /// <summary>Whether the client is listed and inactive.</summary>
    private static async Task<bool> IsInactiveAsync(QuarantineClient command, IWachtClient wacht, CancellationToken cancellationToken)
    {
        var clients = await wacht.ListOAuthClientsAsync(command.AppSlug, cancellationToken);
        return clients.FirstOrDefault(c => string.Equals(c.Id, command.OAuthClientId, StringComparison.Ordinal)) is { IsActive: false };
    }

    private static ClientQuarantineFailed Bound(ClientQuarantineFailed failed) => failed with
    {
        DeploymentId = Excerpt.OrEmpty(failed.DeploymentId, InputLimits.MaxIdLength),
        AppSlug = Excerpt.OrEmpty(failed.AppSlug, InputLimits.MaxSlugLength),
        OAuthClientId = Excerpt.OrEmpty(failed.OAuthClientId, InputLimits.MaxIdLength),
        Message = Excerpt.OrEmpty(failed.Message, InputLimits.MaxFailureMessageLength),
        FieldErrors = Excerpt.FieldErrors(failed.FieldErrors),
        Trigger = Excerpt.OrEmpty(failed.Trigger, InputLimits.MaxKeywordLength),
        RequestedBy = Excerpt.Of(failed.RequestedBy, InputLimits.MaxRequestedByLength),
        Reason = Excerpt.Of(failed.Reason, InputLimits.MaxReasonLength),
    };
}
