using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wacht.Client;
using Wacht.Worker.Authorization;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;
using Wacht.Worker.Messaging;
using Wacht.Worker.Telemetry;

namespace Wacht.Worker.Commands;

/// <summary>
/// The execution policy every command shares, so a handler only says what its command does:
/// validate → authorise the sender → refuse unknown deployments → lock the target → answer a recorded outcome from the ledger instead of
/// executing again → execute → record the outcome → publish it (and answer a request). Transient failures are retried
/// in process within the budget (<see cref="RetryOptions"/>); when it is spent the failure event is published and the
/// message goes to the <c>_error</c> queue. No path ends without a terminal event, except a shutdown, after which the
/// broker redelivers the message.
/// </summary>
internal sealed class CommandConsumer<TCommand, TSucceeded, TFailed>(
    ICommandHandler<TCommand, TSucceeded, TFailed> handler,
    ICommandLedger ledger,
    IClientLock locks,
    IWachtClientFactory clients,
    IOptions<MessagingOptions> options,
    CommandAuthorizer authorizer,
    CommandMetrics metrics,
    ILoggerFactory loggerFactory) : IConsumer<TCommand>
    where TCommand : class, IWachtCommand
    where TSucceeded : class, ICommandEvent
    where TFailed : class, ICommandFailedEvent
{
    /// <summary>How long a failing command waits for the ledger to say how far it got; past that it assumes the worst.</summary>
    private static readonly TimeSpan LedgerReadOnFailureTimeout = TimeSpan.FromSeconds(5);

    // One category per command (Wacht.Worker.Commands.RotateSecret), not the generic type's unreadable name.
    private readonly ILogger _logger = loggerFactory.CreateLogger($"{typeof(CommandConsumer<,,>).Namespace}.{typeof(TCommand).Name}");

    public async Task Consume(ConsumeContext<TCommand> context)
    {
        var command = context.Message;
        var target = handler.Target(command);
        var run = new Run(context, command, target, BrokerIdentity.SentBy(context), Stopwatch.GetTimestamp());
        using var scope = _logger.BeginScope(LogScope.ForCommand(command.CommandId, handler.Kind, command.DeploymentId, command.AppSlug, target.TargetId, context.MessageId));

        try
        {
            var fields = CommandFields.Common(command.CommandId, command.DeploymentId, command.AppSlug, command.Trigger, command.RequestedBy, command.Reason);
            handler.Validate(command, fields);
            fields.MessageSize(context.ReceiveContext.Body.Length);
            if (!fields.IsValid)
            {
                var describe = "The command is invalid: " + string.Join("; ", fields.Errors.Select(e => $"{e.Field} {e.Problem}")) + ".";
                await RefuseAsync(run, new CommandFailure(ErrorCodes.InvalidCommand, describe, false, false), fields.Errors);
                return;
            }

            // Before anything is recorded or called: a sender without the right may not even occupy a command id.
            var decision = authorizer.Decide(run.SentBy, typeof(TCommand).Name, command.DeploymentId, command.AppSlug, target.TargetId);
            if (!decision.Allowed)
            {
                AuthorizationLog.Forbidden(_logger, typeof(TCommand).Name, LogValue.Safe(decision.Reason, LogValue.MaxMessageLength)!);
                await RefuseAsync(run, new CommandFailure(ErrorCodes.Forbidden, decision.Reason, false, false), []);
                return;
            }

            if (!clients.DeploymentIds.Contains(command.DeploymentId, StringComparer.Ordinal))
            {
                var failure = new CommandFailure(
                    ErrorCodes.UnknownDeployment,
                    $"Deployment {command.DeploymentId} is not configured in this worker (Wacht:Deployments:{command.DeploymentId}).",
                    Retryable: false,
                    Transient: false);
                await RefuseAsync(run, failure, []);
                return;
            }

            await ExecuteLockedAsync(run);
        }
        catch (Exception exception) when (exception is not (TransientCommandException or RetryBudgetExhaustedException)
            && !(exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested))
        {
            await HandleInfrastructureFailureAsync(run, exception);
        }
    }

    private async Task ExecuteLockedAsync(Run run)
    {
        var cancellationToken = run.Context.CancellationToken;
        IClientLockHandle acquired;
        using (Step(run, CommandSteps.Lock))
        {
            acquired = await AcquireLockAsync(run.Target.LockKey, cancellationToken);
        }

        await using var held = acquired;

        var fingerprint = CommandFingerprint.Of(handler.Kind, handler.MeaningfulFields(run.Command));
        CommandRecord record;
        using (Step(run, CommandSteps.Ledger))
        {
            record = await ledger.BeginAsync(Start(run, fingerprint), cancellationToken);
        }

        if (!SameCommand(record, run, fingerprint))
        {
            // The id was first recorded for another command. Answering with (or resuming) the other's state would
            // report work that was never done (a revocation of a grant that is still active, a dry run as if applied)
            // or deliver another client's pending secret. Refused, and not recorded: the first command's outcome stands.
            var failure = new CommandFailure(
                ErrorCodes.CommandIdConflict,
                $"CommandId {run.Command.CommandId} was already used for a {record.Kind} command on {record.DeploymentId}/{record.AppSlug}"
                    + (record.TargetId is null ? "" : $"/{record.TargetId}")
                    + " with other fields; a command id names one command. This command was not executed: send it under a new id.",
                Retryable: false,
                Transient: false);
            await PublishFailureAsync(run, failure, new FailureDetails(null, [new FieldError(nameof(IWachtCommand.CommandId), "was already used for a different command")], null, LedgerKnown: true, run.SentBy));
            return;
        }

        if (record is { IsTerminal: true, Outcome: { } outcome })
        {
            if (outcome.Succeeded || !outcome.Retryable)
            {
                await PublishAsync(run, OutcomeCodec.Restore(outcome));
                CommandLog.Replayed(_logger, handler.Kind, outcome.MessageType);
                metrics.Replayed(handler.Kind, run.StartedAt);
                return;
            }

            CommandLog.Reopened(_logger, handler.Kind);
            record = await ledger.ReopenAsync(run.Command.CommandId, cancellationToken);
        }

        CommandLog.Executing(_logger, handler.Kind, LogValue.Safe(run.Command.Trigger) ?? "", LogValue.Safe(run.Command.RequestedBy));
        CommandResult<TSucceeded> result;
        using (var span = Step(run, CommandSteps.Execute))
        {
            try
            {
                result = await handler.ExecuteAsync(run.Command, new CommandExecution(record, clients.GetClient(run.Command.DeploymentId), held, run.SentBy), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                CommandLog.Interrupted(_logger, handler.Kind);
                throw;
            }
            catch (Exception exception) when (exception is not TransientCommandException)
            {
                WorkerActivitySource.Failed(span, (exception as CommandFailureException)?.Failure.Code ?? CommandFailure.From(exception).Code, exception);
                await HandleFailureAsync(run, exception);
                return;
            }
        }

        if (!result.RecordedInLedger)
        {
            // Not cancellable: the command has had its effect at Wacht; the ledger must know before anyone is told.
            using (Step(run, CommandSteps.Ledger))
            {
                await ledger.CompleteAsync(run.Command.CommandId, OutcomeCodec.Success(result.Event), CancellationToken.None);
            }
        }

        await PublishAsync(run, result.Event);
        CommandLog.Succeeded(_logger, handler.Kind, typeof(TSucceeded).Name);
        metrics.Succeeded(handler.Kind, run.StartedAt);
    }

    /// <summary>
    /// The ledger, the lock or the broker failed (the command's own failures are handled where they happen): retried
    /// like a transient failure; when the budget is spent an <c>internal_error</c> failure is published, unrecorded
    /// since the ledger is what failed, and the message goes to the <c>_error</c> queue.
    /// </summary>
    private async Task HandleInfrastructureFailureAsync(Run run, Exception exception)
    {
        var attempts = options.Value.Retry.Limit + 1;
        var attempt = run.Context.GetRetryAttempt() + 1;
        var failure = new CommandFailure(
            ErrorCodes.InternalError,
            $"The worker's ledger, lock or bus failed ({exception.GetType().Name}); whether the command took effect is unknown. Re-drive it from the error queue.",
            Retryable: true,
            Transient: true);
        if (attempt < attempts)
        {
            CommandLog.Retrying(_logger, handler.Kind, attempt, attempts, LogValue.Safe(failure.Message, LogValue.MaxMessageLength)!);
            metrics.Retrying(handler.Kind);
            // The message also reaches MassTransit's own retry and fault logs: escaped like every logged value.
            throw new TransientCommandException(LogValue.Safe(failure.Message, LogValue.MaxMessageLength)!, exception);
        }

        CommandLog.Unexpected(_logger, handler.Kind, exception);
        await PublishFailureAsync(run, failure, await DetailsAsync(run, exception));
        CommandLog.BudgetSpent(_logger, handler.Kind, attempt, failure.Code);
        throw new RetryBudgetExhaustedException($"{handler.Kind} command {run.Command.CommandId} failed with {failure.Code} after {attempt} attempt(s).", exception);
    }

    private async Task HandleFailureAsync(Run run, Exception exception)
    {
        var failure = exception is CommandFailureException specific ? specific.Failure : CommandFailure.From(exception);
        var attempts = options.Value.Retry.Limit + 1;
        var attempt = run.Context.GetRetryAttempt() + 1;

        if (failure.Transient && attempt < attempts)
        {
            CommandLog.Retrying(_logger, handler.Kind, attempt, attempts, LogValue.Safe(failure.Message, LogValue.MaxMessageLength)!);
            metrics.Retrying(handler.Kind);
            // The message also reaches MassTransit's own retry and fault logs: escaped like every logged value.
            throw new TransientCommandException(LogValue.Safe(failure.Message, LogValue.MaxMessageLength)!, exception);
        }

        if (failure.Code == ErrorCodes.InternalError)
        {
            CommandLog.Unexpected(_logger, handler.Kind, exception);
        }

        var @event = handler.Failed(run.Command, failure, await DetailsAsync(run, exception));
        await ledger.CompleteAsync(run.Command.CommandId, OutcomeCodec.Failure(@event, failure.Retryable), CancellationToken.None);
        if (exception is CommandFailureException { DiscardPendingSecret: true })
        {
            // After the outcome, never before: a crash in between must not leave a non-terminal command without its secret.
            await ledger.DiscardPendingSecretAsync(run.Command.CommandId, CancellationToken.None);
        }

        await PublishAsync(run, @event);
        CommandLog.Failed(_logger, handler.Kind, failure.Code, failure.Retryable, LogValue.Safe(failure.Message, LogValue.MaxMessageLength)!);
        metrics.Failed(handler.Kind, failure.Code, run.StartedAt);

        if (failure.Transient || failure.Code == ErrorCodes.InternalError)
        {
            // The event is out; the message goes to the _error queue so an operator can re-drive it later.
            CommandLog.BudgetSpent(_logger, handler.Kind, attempt, failure.Code);
            throw new RetryBudgetExhaustedException($"{handler.Kind} command {run.Command.CommandId} failed with {failure.Code} after {attempt} attempt(s).", exception);
        }
    }

    /// <summary>
    /// Ends a command that is not executed (invalid, unknown deployment): not recorded, since the decision is
    /// deterministic and the fields the ledger keys on may be the very ones that are wrong.
    /// </summary>
    private Task RefuseAsync(Run run, CommandFailure failure, IReadOnlyList<FieldError> fieldErrors) =>
        PublishFailureAsync(run, failure, new FailureDetails(null, fieldErrors, null, LedgerKnown: true, run.SentBy));

    private async Task PublishFailureAsync(Run run, CommandFailure failure, FailureDetails details)
    {
        await PublishAsync(run, handler.Failed(run.Command, failure, details));
        CommandLog.Failed(_logger, handler.Kind, failure.Code, failure.Retryable, LogValue.Safe(failure.Message, LogValue.MaxMessageLength)!);
        metrics.Failed(handler.Kind, failure.Code, run.StartedAt);
    }

    /// <summary>
    /// What the failure event may say of the command's progress comes from the ledger, read again now: an earlier
    /// attempt (or an earlier delivery of the message) may have called Wacht even if this one did not get that far.
    /// When the ledger cannot be read, that is said too, and the handler assumes the worst.
    /// </summary>
    private async Task<FailureDetails> DetailsAsync(Run run, Exception exception)
    {
        CommandRecord? record = null;
        var known = true;
        try
        {
            using var timeout = new CancellationTokenSource(LedgerReadOnFailureTimeout);
            record = await ledger.FindAsync(run.Command.CommandId, timeout.Token);
        }
        catch (Exception readFailure) when (readFailure is not OutOfMemoryException)
        {
            known = false;
        }

        return new FailureDetails(exception, [], record, known, run.SentBy);
    }

    private async Task PublishAsync(Run run, object @event)
    {
        using var span = Step(run, CommandSteps.Publish);
        await OutcomePublisher.PublishAsync(run.Context, run.Command.CommandId, @event, options.Value.PublishTimeout);
    }

    private System.Diagnostics.Activity? Step(Run run, string step) =>
        WorkerActivitySource.StartCommandStep(step, handler.Kind, run.Command.CommandId, run.Command.DeploymentId, run.Command.AppSlug, run.Target.TargetId);

    /// <summary>
    /// Whether the recorded command is this one: the same fingerprint of the meaningful fields (kind included). Records
    /// made before fingerprints were stored are compared by kind and target, as then.
    /// </summary>
    private bool SameCommand(CommandRecord record, Run run, string fingerprint) => record.Fingerprint is { } recorded
        ? string.Equals(recorded, fingerprint, StringComparison.Ordinal)
        : string.Equals(record.Kind, handler.Kind, StringComparison.Ordinal)
        && string.Equals(record.DeploymentId, run.Command.DeploymentId, StringComparison.Ordinal)
        && string.Equals(record.AppSlug, run.Command.AppSlug, StringComparison.Ordinal)
        && string.Equals(record.TargetId, run.Target.TargetId, StringComparison.Ordinal);

    /// <summary>
    /// Waits for the target's lock at most <see cref="MessagingOptions.LockTimeout"/>: a command stuck elsewhere (a hung
    /// destination on another instance) must not hold this message forever. A timeout is retried like any
    /// infrastructure failure.
    /// </summary>
    private async Task<IClientLockHandle> AcquireLockAsync(string lockKey, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.LockTimeout);
        try
        {
            return await locks.AcquireAsync(lockKey, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Waited {options.Value.LockTimeout} for the lock on {lockKey}; another command for it is still running.");
        }
    }

    private CommandStart Start(Run run, string fingerprint) => new(
        run.Command.CommandId,
        handler.Kind,
        run.Command.DeploymentId,
        run.Command.AppSlug,
        run.Target.TargetId,
        run.Command.Trigger,
        run.Command.RequestedBy,
        run.Command.Reason,
        fingerprint,
        run.SentBy);

    /// <summary>One delivery of a command through the pipeline.</summary>
    private sealed record Run(ConsumeContext<TCommand> Context, TCommand Command, CommandTarget Target, string? SentBy, long StartedAt);
}
