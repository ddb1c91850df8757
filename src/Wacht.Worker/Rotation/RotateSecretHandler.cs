using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wacht.Client;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;
using Wacht.Worker.Secrets;
using Wacht.Worker.Secrets.Reload;
using Wacht.Worker.Telemetry;

namespace Wacht.Worker.Rotation;

/// <summary>
/// Executes <see cref="RotateSecret"/> as a state machine recorded in the ledger (see docs/rotation.md):
/// <c>received → rotating → pending_delivery → succeeded</c>. Each step is durable before the next starts, so after
/// a crash a redelivered command resumes where it stopped. Before the rotate call the route, the destination key and the
/// destination's permissions are checked, so nothing is rotated that could not be delivered. After the delivery the
/// secret is checked against Wacht itself (<see cref="RotationOptions.Verify"/>): a secret Wacht rejects is never
/// reported as delivered. A pending secret from an earlier attempt is delivered only while Wacht accepts it, and no
/// rotate call is made while an earlier one for the client may still take effect (<see cref="RotationOptions.InFlightWindow"/>).
/// </summary>
internal sealed class RotateSecretHandler(
    ICommandLedger ledger,
    SecretRouter router,
    SecretReloader reloader,
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

    public async Task<CommandResult<SecretRotated>> ExecuteAsync(RotateSecret command, CommandExecution execution, CancellationToken cancellationToken)
    {
        EnsureEnabled();
        var attempt = new Attempt(command, execution);

        // Who and where, before anything else: a client that cannot be rotated, or whose secret has nowhere to go, is
        // refused without a rotate call.
        var (client, app) = await LookUpAsync(attempt, cancellationToken);
        var target = new SecretTarget(command.DeploymentId, command.AppSlug, command.OAuthClientId, client.ClientId);
        var route = await RouteAsync(attempt, target, cancellationToken);

        var pending = await ReadPendingAsync(attempt, cancellationToken);
        // The secret in hand is the one Wacht issued to this attempt just now, or was just seen to accept.
        var current = false;
        PendingSecret secret;
        while (true)
        {
            if (pending is null)
            {
                pending = await RotateAsync(attempt, client, route, target, cancellationToken);
                current = true;
            }
            else if (!current && options.Value.Verify)
            {
                // A secret from an earlier attempt: delivered only while it is the one Wacht accepts. Another command may
                // have rotated since (then its secret is at the destination), or a late rotate call may have killed it.
                if (await CheckAsync(attempt, app, client, pending.Secret, cancellationToken) != SecretCheck.Accepted)
                {
                    await EnsureSomeoneHoldsAWorkingSecretAsync(attempt, app, client, route, pending, cancellationToken);
                    RotationLog.PendingSecretRejected(logger, pending.Secret.Fingerprint);
                    await ledger.AbandonPendingSecretAsync(command.CommandId, CancellationToken.None);
                    pending = null;
                    continue;
                }

                current = true;
            }
            else if (!current)
            {
                RotationLog.ResumingDelivery(logger, pending.Secret.Fingerprint);
            }

            secret = pending;
            await DeliverAsync(attempt, route, target, secret, current, cancellationToken);
            if (!options.Value.Verify)
            {
                break;
            }

            // The only proof that the integration works: Wacht authenticates the client with the delivered secret.
            if (await CheckAsync(attempt, app, client, secret.Secret, cancellationToken) == SecretCheck.Accepted)
            {
                attempt.VerifiedAt = time.GetUtcNow();
                break;
            }

            // Rejected right after it was issued or seen: another rotation happened in between (a late rotate call, the
            // dashboard). Nobody holds a working secret now, so this command rotates again, within its limit.
            RotationLog.DeliveredSecretRejected(logger, secret.Secret.Fingerprint, attempt.RotatedThisAttempt, options.Value.MaxRotationsPerAttempt);
            await ledger.AbandonPendingSecretAsync(command.CommandId, CancellationToken.None);
            pending = null;
            current = false;
        }

        // After a confirmed delivery (again after a crash: a reload that ran twice only restarts twice). A failed reload
        // never undoes the rotation: it is reported in the event.
        var reloads = await reloader.RunAsync(
            route,
            new ReloadRequest(command.CommandId, target, route.Name, route.Destination.Name, route.Key, secret.Secret.Fingerprint, secret.IssuedAt),
            cancellationToken);
        return await CompleteAsync(attempt, client, route, secret, reloads);
    }

    /// <summary>
    /// Whether Wacht may have issued a secret for this command that is not at the destination, i.e. the old secret may
    /// be dead. Decided by what the ledger knows of the command (any attempt, any instance), not by this attempt's
    /// memory: a rotate call whose response was lost on an earlier attempt counts. When the ledger could not be read,
    /// the answer is yes: nobody can rule it out.
    /// </summary>
    private static bool RotateMayHaveBeenCalled(FailureDetails details) =>
        !details.LedgerKnown
        || details.Record is { } record && (record.RotateCalls > 0 || record.State is CommandState.Rotating or CommandState.PendingDelivery);

    private void EnsureEnabled()
    {
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
    }

    /// <summary>
    /// Looks the client (and its app, for the secret check) up: refusing an unknown, inactive or secret-less client here
    /// costs a read and spares a pointless non-idempotent call; it also yields the public client_id the destination key
    /// may use. A pending secret of such a client can never work, so it is discarded with the failure.
    /// </summary>
    private async Task<(OAuthClient Client, OAuthApp App)> LookUpAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        var command = attempt.Command;
        using var span = attempt.Step(CommandSteps.WachtCall);
        var clients = await attempt.Wacht.ListOAuthClientsAsync(command.AppSlug, cancellationToken);
        var client = clients.FirstOrDefault(c => string.Equals(c.Id, command.OAuthClientId, StringComparison.Ordinal));
        if (client is null || !client.IsActive)
        {
            throw Refused(new CommandFailure(
                ErrorCodes.NotFound,
                client is null
                    ? $"OAuth client {command.OAuthClientId} does not exist in app '{command.AppSlug}' of deployment {command.DeploymentId}."
                    : $"OAuth client {command.OAuthClientId} ({client.ClientId}) is inactive; Wacht rotates only active clients.",
                Retryable: false,
                Transient: false));
        }

        if (!ClientAuthMethods.UsesSecret(client.ClientAuthMethod))
        {
            throw Refused(new CommandFailure(
                ErrorCodes.RotationNotSupported,
                $"OAuth client {command.OAuthClientId} ({client.ClientId}) authenticates with '{client.ClientAuthMethod}', which has no client secret to rotate.",
                Retryable: false,
                Transient: false));
        }

        // Only the secret check needs the app (its host); without verification one listing is enough.
        if (!options.Value.Verify)
        {
            return (client, null!);
        }

        var apps = await attempt.Wacht.ListOAuthAppsAsync(cancellationToken);
        var app = apps.FirstOrDefault(a => string.Equals(a.Slug, command.AppSlug, StringComparison.Ordinal))
            ?? throw Refused(new CommandFailure(ErrorCodes.NotFound, $"OAuth app '{command.AppSlug}' does not exist in deployment {command.DeploymentId}.", false, false));
        return (client, app);

        static CommandFailureException Refused(CommandFailure failure) => new(failure) { DiscardPendingSecret = true };
    }

    /// <summary>
    /// The route of the client's secret, decided before the rotate call and recorded with the command. A command that
    /// already recorded one (an earlier attempt, perhaps with a pending secret) keeps it, even if the routes changed since.
    /// </summary>
    private async Task<SecretRoute> RouteAsync(Attempt attempt, SecretTarget target, CancellationToken cancellationToken)
    {
        var record = attempt.Execution.Record;
        if (record is { Route: { } routeName, Destination: { } destinationName, DestinationKey: { } key })
        {
            return router.Recorded(routeName, destinationName, key) ?? throw new CommandFailureException(new CommandFailure(
                ErrorCodes.SecretDeliveryFailed,
                $"This command's secret was routed to destination '{destinationName}' ({key}) by route '{routeName}', which is no longer configured "
                    + $"({SecretDestinationOptions.SectionPath}:Destinations). Configure it again and re-drive the command.",
                Retryable: true,
                Transient: false));
        }

        SecretRoute? route;
        try
        {
            route = router.Resolve(target);
        }
        catch (SecretKeyException exception)
        {
            throw new CommandFailureException(
                new CommandFailure(
                    ErrorCodes.SecretDeliveryFailed,
                    $"The secret of {target.DeploymentId}/{target.AppSlug}/{target.ClientId} cannot be stored by its route: {exception.Message} Nothing was rotated.",
                    Retryable: true,
                    Transient: false),
                exception);
        }

        if (route is null)
        {
            throw new CommandFailureException(new CommandFailure(
                ErrorCodes.NoDestination,
                $"No route of {SecretDestinationOptions.SectionPath}:Routes matches {target.DeploymentId}/{target.AppSlug}/{target.OAuthClientId} "
                    + $"(client_id {target.ClientId}): the new secret would have nowhere to go. Nothing was rotated.",
                Retryable: true,
                Transient: false));
        }

        await ledger.RecordRouteAsync(attempt.Command.CommandId, route.Name, route.Destination.Name, route.Key, cancellationToken);
        return route;
    }

    private async Task<PendingSecret?> ReadPendingAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        if (attempt.Execution.Record.State != CommandState.PendingDelivery)
        {
            return null;
        }

        try
        {
            return await ledger.ReadPendingSecretAsync(attempt.Command.CommandId, cancellationToken);
        }
        catch (SecretProtectionException exception)
        {
            // Unreadable (the ledger key changed, or the blob is damaged): the secret is lost either way, and the only
            // way back to a working secret at the destination is to rotate again.
            RotationLog.PendingSecretUnreadable(logger, exception.Message);
            await ledger.AbandonPendingSecretAsync(attempt.Command.CommandId, CancellationToken.None);
            return null;
        }
    }

    /// <summary>
    /// A pending secret Wacht rejects was replaced by someone. If the destination holds a secret Wacht accepts, that
    /// someone delivered it; if another command of the client holds one Wacht accepts, undelivered, that command owns
    /// the client's working secret and its re-drive delivers it. Either way this command is superseded and its dead
    /// secret discarded: rotating again would kill the working one. Otherwise nobody holds a working secret and the
    /// caller rotates again.
    /// </summary>
    private async Task EnsureSomeoneHoldsAWorkingSecretAsync(Attempt attempt, OAuthApp app, OAuthClient client, SecretRoute route, PendingSecret pending, CancellationToken cancellationToken)
    {
        var command = attempt.Command;
        StoredSecret? present;
        using (attempt.Step(CommandSteps.Delivery))
        {
            present = await ReadDestinationAsync(route, pending, cancellationToken);
        }

        if (present is not null && present.Fingerprint != pending.Secret.Fingerprint
            && await CheckAsync(attempt, app, client, present.Secret, cancellationToken) == SecretCheck.Accepted)
        {
            throw Superseded(
                $"Wacht no longer accepts this command's secret (fingerprint {pending.Secret.Fingerprint}): another rotation replaced it, and the "
                + $"destination '{route.Destination.Name}' holds a secret Wacht accepts (fingerprint {present.Fingerprint}, command {present.CommandId}). "
                + "The stale secret was discarded, not delivered.");
        }

        foreach (var other in await ledger.ListOtherPendingSecretsAsync(command.DeploymentId, command.OAuthClientId, command.CommandId, cancellationToken))
        {
            PendingSecret? theirs;
            try
            {
                theirs = await ledger.ReadPendingSecretAsync(other, cancellationToken);
            }
            catch (SecretProtectionException)
            {
                continue;
            }

            if (theirs is not null && await CheckAsync(attempt, app, client, theirs.Secret, cancellationToken) == SecretCheck.Accepted)
            {
                throw Superseded(
                    $"Wacht no longer accepts this command's secret (fingerprint {pending.Secret.Fingerprint}): command {other} rotated the client later "
                    + $"and holds the secret Wacht accepts (fingerprint {theirs.Secret.Fingerprint}), not yet delivered: re-drive command {other} to "
                    + "deliver it. The stale secret was discarded.");
            }
        }

        static CommandFailureException Superseded(string message) =>
            new(new CommandFailure(ErrorCodes.Superseded, message, Retryable: false, Transient: false)) { DiscardPendingSecret = true };
    }

    private async Task<StoredSecret?> ReadDestinationAsync(SecretRoute route, PendingSecret pending, CancellationToken cancellationToken)
    {
        try
        {
            return await route.Destination.ReadAsync(route.Key, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw DeliveryFailed(route, pending, exception, reading: true);
        }
    }

    /// <summary>
    /// Calls rotate, after the checks that make sure the new secret can be delivered and the wait for any earlier call
    /// that may still take effect. The intent is recorded first: if the process dies during the call, the ledger says
    /// "rotating" (and until when that call may still land), and the next attempt rotates again instead of assuming
    /// nothing happened.
    /// </summary>
    private async Task<PendingSecret> RotateAsync(Attempt attempt, OAuthClient client, SecretRoute route, SecretTarget target, CancellationToken cancellationToken)
    {
        var command = attempt.Command;
        if (attempt.RotatedThisAttempt >= options.Value.MaxRotationsPerAttempt)
        {
            throw new CommandFailureException(new CommandFailure(
                ErrorCodes.SecretVerificationFailed,
                $"Wacht rejected the secret delivered after each of this attempt's {attempt.RotatedThisAttempt} rotate calls: another actor keeps rotating "
                    + $"client {client.ClientId}. The old secret is dead and the secret at '{route.Destination.Name}' ({route.Key}) does not work. "
                    + "Find who else rotates this client, then re-drive the command.",
                Retryable: true,
                Transient: false));
        }

        if (attempt.Execution.Record.State == CommandState.Rotating && attempt.RotatedThisAttempt == 0)
        {
            RotationLog.RotatingAgain(logger, attempt.Execution.Record.RotateCalls);
        }

        await PreflightAsync(attempt, route, target, cancellationToken);
        await WaitForEarlierCallsAsync(attempt, cancellationToken);

        using var clientScope = logger.BeginScope(new LogScope(("ClientId", client.ClientId)));
        await attempt.Execution.Lock.EnsureHeldAsync(cancellationToken);
        var inFlightUntil = time.GetUtcNow() + options.Value.InFlightWindow;
        using (attempt.Step(CommandSteps.Ledger))
        {
            await ledger.MarkRotatingAsync(command.CommandId, inFlightUntil, cancellationToken);
        }

        attempt.RotatedThisAttempt++;
        RotatedClientSecret rotated;
        using (var span = attempt.Step(CommandSteps.WachtCall))
        {
            try
            {
                rotated = await attempt.Wacht.RotateOAuthClientSecretAsync(command.AppSlug, command.OAuthClientId, cancellationToken);
            }
            catch (WachtException exception) when (Answered(exception))
            {
                // Wacht answered (an error): this call cannot take effect later, so no later attempt needs to wait for it.
                await ledger.SettleRotateAsync(command.CommandId, CancellationToken.None);
                WorkerActivitySource.Failed(span, "rotate_failed", exception);
                if (exception is WachtBadRequestException)
                {
                    // The platform's refusal for auth methods without a secret; the method may have changed since the lookup.
                    throw new CommandFailureException(new CommandFailure(ErrorCodes.RotationNotSupported, exception.Message, false, false), exception);
                }

                throw;
            }
        }

        var pending = new PendingSecret(client.ClientId, rotated.ClientSecret, time.GetUtcNow());
        await StorePendingAsync(command.CommandId, pending);
        RotationLog.Rotated(logger, client.ClientId, pending.Secret.Fingerprint);
        return pending;
    }

    /// <summary>
    /// Whether an error means Wacht finished with the call (it answered), as opposed to a call that may still be running
    /// there (a timeout, a dropped connection, or a gateway's 502/504 in front of a backend that may still be at it).
    /// </summary>
    private static bool Answered(WachtException exception) =>
        exception.StatusCode is { } status && status is not (System.Net.HttpStatusCode.BadGateway or System.Net.HttpStatusCode.GatewayTimeout or System.Net.HttpStatusCode.RequestTimeout);

    /// <summary>
    /// No rotate call while an earlier one for the client (this command's or another's) may still take effect at Wacht:
    /// a call held at Wacht past its client timeout, or left behind by an instance that died, would complete after the
    /// new one and invalidate the secret this command is about to deliver. Waits (holding the client's lock) until the
    /// latest in-flight deadline the ledger holds has passed.
    /// </summary>
    private async Task WaitForEarlierCallsAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        var command = attempt.Command;
        while (await ledger.FindRotateInFlightUntilAsync(command.DeploymentId, command.OAuthClientId, cancellationToken) is { } until
            && until > time.GetUtcNow())
        {
            // The deadline cannot move while this command holds the client's lock (no other call for the client can
            // start), so one wait to it is enough; the loop reads it once more to be sure.
            var wait = until - time.GetUtcNow();
            RotationLog.WaitingForEarlierCall(logger, until, wait);
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>
    /// Before a secret exists: the destination can be reached and may write the key, and the reload actions can run.
    /// A destination that cannot take the secret fails the command now, with nothing rotated.
    /// </summary>
    private async Task PreflightAsync(Attempt attempt, SecretRoute route, SecretTarget target, CancellationToken cancellationToken)
    {
        using var span = attempt.Step(CommandSteps.Delivery);
        try
        {
            await route.Destination.PreflightAsync(route.Key, target, cancellationToken);
            await reloader.PreflightAsync(route, cancellationToken);
        }
        catch (SecretDestinationException exception)
        {
            WorkerActivitySource.Failed(span, ErrorCodes.SecretDeliveryFailed, exception);
            throw new CommandFailureException(
                new CommandFailure(
                    ErrorCodes.SecretDeliveryFailed,
                    $"The destination '{route.Destination.Name}' cannot take this client's secret ({exception.Reason}): {exception.Message} Nothing was rotated.",
                    Retryable: true,
                    Transient: exception.Transient),
                exception);
        }
    }

    private async Task DeliverAsync(Attempt attempt, SecretRoute route, SecretTarget target, PendingSecret pending, bool current, CancellationToken cancellationToken)
    {
        var command = attempt.Command;
        // Another instance must not be rotating this client while this one writes to the destination.
        await attempt.Execution.Lock.EnsureHeldAsync(cancellationToken);
        DeliveryResult result;
        using (var span = attempt.Step(CommandSteps.Delivery))
        {
            try
            {
                result = await route.Destination.DeliverAsync(
                    route.Key,
                    new SecretDelivery(command.CommandId, target.DeploymentId, target.AppSlug, target.OAuthClientId, pending.ClientId, pending.Secret, pending.IssuedAt)
                    {
                        VerifiedCurrent = current,
                    },
                    cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                WorkerActivitySource.Failed(span, ErrorCodes.SecretDeliveryFailed, exception);
                throw DeliveryFailed(route, pending, exception, reading: false);
            }
        }

        if (result.Outcome == DeliveryOutcome.NewerPresent)
        {
            // Only without verification (a checked secret replaces whatever is there): the destination's own ordering
            // says another command delivered a later secret, which is then the working one.
            throw new CommandFailureException(new CommandFailure(
                ErrorCodes.Superseded,
                $"The destination '{route.Destination.Name}' holds a secret issued later (command {result.Present.CommandId}, fingerprint "
                    + $"{result.Present.Fingerprint}) than this command's (fingerprint {pending.Secret.Fingerprint}); the older one was discarded, not delivered.",
                Retryable: false,
                Transient: false))
            {
                DiscardPendingSecret = true,
            };
        }

        RotationLog.Delivered(logger, route.Destination.Name, route.Key, pending.Secret.Fingerprint, result.Outcome.ToString());
    }

    /// <summary>The secret stays encrypted in the ledger (state pending_delivery): a retry or a re-drive delivers it.</summary>
    private static CommandFailureException DeliveryFailed(SecretRoute route, PendingSecret pending, Exception exception, bool reading)
    {
        var (detail, transient) = exception is SecretDestinationException destination
            ? ($"{destination.Reason}: {destination.Message}", destination.Transient)
            : (exception.GetType().Name, true);
        return new CommandFailureException(
            new CommandFailure(
                ErrorCodes.SecretDeliveryFailed,
                $"The new secret (fingerprint {pending.Secret.Fingerprint}) is held in the ledger but the '{route.Destination.Name}' destination "
                    + $"{(reading ? "could not be read" : "refused it")} ({detail}). Re-drive the command to deliver it.",
                Retryable: true,
                Transient: transient),
            exception);
    }

    /// <summary>
    /// Asks Wacht whether <paramref name="secret"/> is the client's current one (its runtime endpoint; the client
    /// retries transient answers within its budget). Past that, the command cannot reach a verified state now: the
    /// secret stays pending in the ledger, and the next attempt checks again before it rotates.
    /// </summary>
    private async Task<SecretCheck> CheckAsync(Attempt attempt, OAuthApp app, OAuthClient client, ClientSecret secret, CancellationToken cancellationToken)
    {
        using var span = attempt.Step(CommandSteps.Verify);
        try
        {
            var check = await attempt.Wacht.CheckClientSecretAsync(app.Fqdn, client, secret, cancellationToken);
            RotationLog.Checked(logger, secret.Fingerprint, check.ToString());
            if (check == SecretCheck.NotApplicable)
            {
                throw new CommandFailureException(
                    new CommandFailure(ErrorCodes.RotationNotSupported, $"OAuth client {client.ClientId} no longer authenticates with a client secret ({client.ClientAuthMethod}).", false, false))
                {
                    DiscardPendingSecret = true,
                };
            }

            return check;
        }
        catch (Exception exception) when (exception is WachtException or ArgumentException)
        {
            WorkerActivitySource.Failed(span, ErrorCodes.SecretVerificationFailed, exception);
            var transient = exception is WachtException { IsTransient: true };
            throw new CommandFailureException(
                new CommandFailure(
                    ErrorCodes.SecretVerificationFailed,
                    $"Could not ask Wacht whether the secret (fingerprint {secret.Fingerprint}) works, at https://{app.Fqdn}/oauth/introspect: {exception.Message} "
                        + "The secret is kept in the ledger; a retry or re-drive checks it again before rotating.",
                    Retryable: true,
                    Transient: transient),
                exception);
        }
    }

    private async Task<CommandResult<SecretRotated>> CompleteAsync(Attempt attempt, OAuthClient client, SecretRoute route, PendingSecret secret, IReadOnlyList<ReloadResult> reloads)
    {
        var command = attempt.Command;
        var rotateCalls = attempt.Execution.Record.RotateCalls + attempt.RotatedThisAttempt;
        var rotated = new SecretRotated
        {
            CommandId = command.CommandId,
            DeploymentId = command.DeploymentId,
            AppSlug = command.AppSlug,
            OAuthClientId = command.OAuthClientId,
            ClientId = client.ClientId,
            RotatedAt = secret.IssuedAt,
            Route = route.Name,
            Destination = route.Destination.Name,
            DestinationKey = route.Key,
            ReloadActions = [.. reloads.Select(r => r.ToContract())],
            ReloadFailed = reloads.Any(r => !r.Succeeded),
            VerifiedAt = attempt.VerifiedAt,
            SecretFingerprint = secret.Secret.Fingerprint,
            RotateCalls = rotateCalls,
            Trigger = command.Trigger,
            RequestedBy = command.RequestedBy,
            Reason = command.Reason,
            SentBy = attempt.Execution.SentBy,
        };

        var history = new RotationRecord(
            command.CommandId,
            command.DeploymentId,
            command.AppSlug,
            command.OAuthClientId,
            secret.ClientId,
            secret.IssuedAt,
            command.Trigger,
            command.RequestedBy,
            command.Reason,
            route.Destination.Name,
            route.Key,
            secret.Secret.Fingerprint,
            attempt.Execution.SentBy,
            route.Name,
            attempt.VerifiedAt);

        // Erases the secret from the ledger and records the outcome in one transaction. Not cancellable: the secret
        // is delivered; stopping now would only make the next attempt deliver it again.
        using (attempt.Step(CommandSteps.Ledger))
        {
            await ledger.CompleteRotationAsync(command.CommandId, history, OutcomeCodec.Success(rotated), CancellationToken.None);
        }

        if (rotated.ReloadFailed)
        {
            RotationLog.ReloadFailed(logger, route.Name, reloads.Count(r => !r.Succeeded), reloads.Count);
        }

        return new CommandResult<SecretRotated>(rotated, RecordedInLedger: true);
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

    /// <summary>One attempt of one command: what it was given, and what it did so far.</summary>
    private sealed class Attempt(RotateSecret command, CommandExecution execution)
    {
        public RotateSecret Command { get; } = command;

        public CommandExecution Execution { get; } = execution;

        public IWachtClient Wacht => Execution.Wacht;

        /// <summary>Rotate calls this attempt made (the ledger's count includes earlier attempts').</summary>
        public int RotatedThisAttempt { get; set; }

        /// <summary>When Wacht was seen to accept the delivered secret.</summary>
        public DateTimeOffset? VerifiedAt { get; set; }

        public System.Diagnostics.Activity? Step(string step) =>
            WorkerActivitySource.StartCommandStep(step, CommandKind, Command.CommandId, Command.DeploymentId, Command.AppSlug, Command.OAuthClientId);
    }
}
