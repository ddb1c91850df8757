using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;
using Wacht.Worker.Messaging;

namespace Wacht.Worker.Commands;

/// <summary>
/// The execution policy every command shares, so the three consumers only say what their command does:
/// validate → refuse unknown deployments → lock the target → answer a recorded outcome from the ledger instead of
/// executing again → execute → record the outcome → publish it (and answer a request). Transient failures are retried
/// in process within the budget (<see cref="RetryOptions"/>); when it is spent the failure event is published and the
/// message goes to the <c>_error</c> queue. No path ends without a terminal event, except a shutdown, after which the
/// broker redelivers the message.
/// </summary>
internal sealed class CommandRunner(
    ICommandLedger ledger,
    IClientLock locks,
    IWachtClientFactory clients,
    IOptions<MessagingOptions> options,
    CommandMetrics metrics,
    ILogger<CommandRunner> logger)
{
    public async Task RunAsync(
        ConsumeContext context,
        CommandSpec spec,
        Func<CommandExecution, CancellationToken, Task<CommandResult>> execute,
        Func<CommandFailure, Exception?, IReadOnlyList<FieldError>, object> failureEvent)
    {
        var cancellationToken = context.CancellationToken;
        var startedAt = Stopwatch.GetTimestamp();
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["CommandId"] = spec.CommandId,
            // Excerpts: an invalid command's values can be any size, and each line of its log carries this scope.
            ["DeploymentId"] = Excerpt.Of(spec.DeploymentId, InputLimits.MaxIdLength),
            ["AppSlug"] = Excerpt.Of(spec.AppSlug, InputLimits.MaxSlugLength),
            ["OAuthClientId"] = Excerpt.Of(spec.TargetId, InputLimits.MaxIdLength),
            ["MessageId"] = context.MessageId,
        });

        try
        {
            if (spec.FieldErrors.Count > 0)
            {
                var describe = "The command is invalid: " + string.Join("; ", spec.FieldErrors.Select(e => $"{e.Field} {e.Problem}")) + ".";
                await FailWithoutExecutingAsync(context, spec, new CommandFailure(ErrorCodes.InvalidCommand, describe, false, false), spec.FieldErrors, failureEvent, startedAt, cancellationToken);
                return;
            }

            if (!clients.DeploymentIds.Contains(spec.DeploymentId, StringComparer.Ordinal))
            {
                var failure = new CommandFailure(
                    ErrorCodes.UnknownDeployment,
                    $"Deployment {spec.DeploymentId} is not configured in this worker (Wacht:Deployments:{spec.DeploymentId}).",
                    Retryable: false,
                    Transient: false);
                await FailWithoutExecutingAsync(context, spec, failure, [], failureEvent, startedAt, cancellationToken);
                return;
            }

            await ExecuteLockedAsync(context, spec, execute, failureEvent, startedAt, cancellationToken);
        }
        catch (Exception exception) when (exception is not (TransientCommandException or RetryBudgetExhaustedException)
            && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            await HandleInfrastructureFailureAsync(context, spec, exception, failureEvent, startedAt);
        }
    }

    private async Task ExecuteLockedAsync(
        ConsumeContext context,
        CommandSpec spec,
        Func<CommandExecution, CancellationToken, Task<CommandResult>> execute,
        Func<CommandFailure, Exception?, IReadOnlyList<FieldError>, object> failureEvent,
        long startedAt,
        CancellationToken cancellationToken)
    {
        await using var held = await AcquireLockAsync(spec, cancellationToken);

        var record = await ledger.BeginAsync(Start(spec), cancellationToken);
        if (!SameCommand(record, spec))
        {
            // The id was first recorded for another command. Executing this one would answer with (or resume) the
            // other's state, e.g. deliver another client's pending secret. Refused, and not recorded.
            var failure = new CommandFailure(
                ErrorCodes.InvalidCommand,
                $"CommandId {spec.CommandId} was already used for a {record.Kind} command on {record.DeploymentId}/{record.AppSlug}/{record.TargetId}; a command id names one command.",
                Retryable: false,
                Transient: false);
            CommandLog.Failed(logger, spec.Kind, failure.Code, failure.Retryable, failure.Message);
            metrics.Failed(spec.Kind, failure.Code, startedAt);
            await OutcomePublisher.PublishAsync(context, spec.CommandId, failureEvent(failure, null, [new FieldError("CommandId", "was already used for a different command")]));
            return;
        }

        if (record is { IsTerminal: true, Outcome: { } outcome })
        {
            if (outcome.Succeeded || !outcome.Retryable)
            {
                CommandLog.Replayed(logger, spec.Kind, outcome.MessageType);
                metrics.Replayed(spec.Kind, startedAt);
                await OutcomePublisher.PublishAsync(context, spec.CommandId, OutcomeCodec.Restore(outcome));
                return;
            }

            CommandLog.Reopened(logger, spec.Kind);
            record = await ledger.ReopenAsync(spec.CommandId, cancellationToken);
        }

        CommandLog.Executing(logger, spec.Kind, spec.Trigger, spec.RequestedBy);
        CommandResult result;
        try
        {
            result = await execute(new CommandExecution(record, clients.GetClient(spec.DeploymentId), held), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            CommandLog.Interrupted(logger, spec.Kind);
            throw;
        }
        catch (Exception exception) when (exception is not TransientCommandException)
        {
            await HandleFailureAsync(context, spec, exception, failureEvent, startedAt);
            return;
        }

        if (!result.RecordedInLedger)
        {
            // Not cancellable: the command has had its effect at Wacht; the ledger must know before anyone is told.
            await ledger.CompleteAsync(spec.CommandId, OutcomeCodec.Success(result.Event), CancellationToken.None);
        }

        CommandLog.Succeeded(logger, spec.Kind, result.Event.GetType().Name);
        metrics.Succeeded(spec.Kind, startedAt);
        await OutcomePublisher.PublishAsync(context, spec.CommandId, result.Event);
    }

    /// <summary>
    /// The ledger, the lock or the broker failed (the command's own failures are handled where they happen): retried
    /// like a transient failure; when the budget is spent an <c>internal_error</c> failure is published, unrecorded
    /// since the ledger is what failed, and the message goes to the <c>_error</c> queue.
    /// </summary>
    private async Task HandleInfrastructureFailureAsync(
        ConsumeContext context,
        CommandSpec spec,
        Exception exception,
        Func<CommandFailure, Exception?, IReadOnlyList<FieldError>, object> failureEvent,
        long startedAt)
    {
        var attempts = options.Value.Retry.Limit + 1;
        var attempt = context.GetRetryAttempt() + 1;
        var failure = new CommandFailure(
            ErrorCodes.InternalError,
            $"The worker's ledger, lock or bus failed ({exception.GetType().Name}); whether the command took effect is unknown. Re-drive it from the error queue.",
            Retryable: true,
            Transient: true);
        if (attempt < attempts)
        {
            CommandLog.Retrying(logger, spec.Kind, attempt, attempts, failure.Message);
            metrics.Retrying(spec.Kind);
            throw new TransientCommandException(failure.Message, exception);
        }

        CommandLog.Unexpected(logger, spec.Kind, exception);
        metrics.Failed(spec.Kind, failure.Code, startedAt);
        await OutcomePublisher.PublishAsync(context, spec.CommandId, failureEvent(failure, exception, []));
        CommandLog.BudgetSpent(logger, spec.Kind, attempt, failure.Code);
        throw new RetryBudgetExhaustedException($"{spec.Kind} command {spec.CommandId} failed with {failure.Code} after {attempt} attempt(s).", exception);
    }

    private async Task HandleFailureAsync(
        ConsumeContext context,
        CommandSpec spec,
        Exception exception,
        Func<CommandFailure, Exception?, IReadOnlyList<FieldError>, object> failureEvent,
        long startedAt)
    {
        var failure = exception is CommandFailureException specific ? specific.Failure : CommandFailure.From(exception);
        var attempts = options.Value.Retry.Limit + 1;
        var attempt = context.GetRetryAttempt() + 1;

        if (failure.Transient && attempt < attempts)
        {
            CommandLog.Retrying(logger, spec.Kind, attempt, attempts, failure.Message);
            metrics.Retrying(spec.Kind);
            throw new TransientCommandException(failure.Message, exception);
        }

        if (failure.Code == ErrorCodes.InternalError)
        {
            CommandLog.Unexpected(logger, spec.Kind, exception);
        }

        var @event = failureEvent(failure, exception, []);
        await ledger.CompleteAsync(spec.CommandId, OutcomeCodec.Failure(@event, failure.Retryable), CancellationToken.None);
        if (exception is CommandFailureException { DiscardPendingSecret: true })
        {
            // After the outcome, never before: a crash in between must not leave a non-terminal command without its secret.
            await ledger.DiscardPendingSecretAsync(spec.CommandId, CancellationToken.None);
        }
        CommandLog.Failed(logger, spec.Kind, failure.Code, failure.Retryable, failure.Message);
        metrics.Failed(spec.Kind, failure.Code, startedAt);
        await OutcomePublisher.PublishAsync(context, spec.CommandId, @event);

        if (failure.Transient || failure.Code == ErrorCodes.InternalError)
        {
            // The event is out; the message goes to the _error queue so an operator can re-drive it later.
            CommandLog.BudgetSpent(logger, spec.Kind, attempt, failure.Code);
            throw new RetryBudgetExhaustedException($"{spec.Kind} command {spec.CommandId} failed with {failure.Code} after {attempt} attempt(s).", exception);
        }
    }

    private async Task FailWithoutExecutingAsync(
        ConsumeContext context,
        CommandSpec spec,
        CommandFailure failure,
        IReadOnlyList<FieldError> fieldErrors,
        Func<CommandFailure, Exception?, IReadOnlyList<FieldError>, object> failureEvent,
        long startedAt,
        CancellationToken cancellationToken)
    {
        // Not recorded: validation is deterministic, so a duplicate gets the same answer anyway, and the fields the
        // ledger keys on may be the very ones that are missing. A command id that was already executed keeps its
        // first outcome, though: a garbled duplicate must not contradict it.
        if (spec.CommandId != Guid.Empty
            && await ledger.FindAsync(spec.CommandId, cancellationToken) is { IsTerminal: true, Outcome: { } outcome })
        {
            CommandLog.Replayed(logger, spec.Kind, outcome.MessageType);
            metrics.Replayed(spec.Kind, startedAt);
            await OutcomePublisher.PublishAsync(context, spec.CommandId, OutcomeCodec.Restore(outcome));
            return;
        }

        var @event = failureEvent(failure, null, fieldErrors);
        CommandLog.Failed(logger, spec.Kind, failure.Code, failure.Retryable, failure.Message);
        metrics.Failed(spec.Kind, failure.Code, startedAt);
        await OutcomePublisher.PublishAsync(context, spec.CommandId, @event);
    }

    private static bool SameCommand(CommandRecord record, CommandSpec spec) =>
        string.Equals(record.Kind, spec.Kind, StringComparison.Ordinal)
        && string.Equals(record.DeploymentId, spec.DeploymentId, StringComparison.Ordinal)
        && string.Equals(record.AppSlug, spec.AppSlug, StringComparison.Ordinal)
        && string.Equals(record.TargetId, spec.TargetId, StringComparison.Ordinal);

    /// <summary>
    /// Waits for the target's lock at most <see cref="MessagingOptions.LockTimeout"/>: a command stuck elsewhere (a hung
    /// destination on another instance) must not hold this message forever. A timeout is retried like any
    /// infrastructure failure.
    /// </summary>
    private async Task<IClientLockHandle> AcquireLockAsync(CommandSpec spec, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.LockTimeout);
        try
        {
            return await locks.AcquireAsync(spec.LockKey, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Waited {options.Value.LockTimeout} for the lock on {spec.LockKey}; another command for it is still running.");
        }
    }

    private static CommandStart Start(CommandSpec spec) => new(
        spec.CommandId,
        spec.Kind,
        spec.DeploymentId ?? "",
        spec.AppSlug ?? "",
        spec.TargetId,
        spec.Trigger ?? CommandTriggers.Command,
        spec.RequestedBy,
        spec.Reason);
}
