using MassTransit;
using Wacht.Client;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Scopes;

/// <summary>
/// Executes <see cref="SyncScopes"/>: reads the app, plans the changes (<see cref="ScopePlanner"/>), refuses the whole
/// command when any planned change would be refused by the platform (every conflict listed, nothing changed), reports
/// the plan in a dry run, and otherwise applies it. A second run of the same spec plans nothing and writes nothing.
/// </summary>
internal sealed class SyncScopesConsumer(CommandRunner runner, TimeProvider time) : IConsumer<SyncScopes>
{
    public const string Kind = "sync-scopes";

    public Task Consume(ConsumeContext<SyncScopes> context)
    {
        var command = context.Message;
        var fields = CommandFields.Common(command.CommandId, command.DeploymentId, command.AppSlug, command.Trigger, command.RequestedBy, command.Reason)
            .Add(SyncScopesValidator.Validate(command))
            .MessageSize(context.ReceiveContext.Body.Length);

        var spec = new CommandSpec(
            command.CommandId,
            Kind,
            command.DeploymentId,
            command.AppSlug,
            TargetId: null,
            LockKeys.App(command.DeploymentId, command.AppSlug),
            command.Trigger,
            command.RequestedBy,
            command.Reason,
            fields.Errors);

        return runner.RunAsync(
            context,
            spec,
            (execution, cancellationToken) => ExecuteAsync(command, execution.Wacht, cancellationToken),
            (failure, exception, fieldErrors) => FailureEcho.Bound(Failed(
                command,
                failure,
                fieldErrors,
                (exception as ScopeConflictsException)?.Conflicts ?? [],
                (exception as ScopeSyncPartiallyAppliedException)?.Applied ?? [])));
    }

    private async Task<CommandResult> ExecuteAsync(SyncScopes command, IWachtClient client, CancellationToken cancellationToken)
    {
        var apps = await client.ListOAuthAppsAsync(cancellationToken);
        var app = apps.FirstOrDefault(a => string.Equals(a.Slug, command.AppSlug, StringComparison.Ordinal))
            ?? throw new CommandFailureException(new CommandFailure(
                ErrorCodes.NotFound,
                $"OAuth app '{command.AppSlug}' does not exist in deployment {command.DeploymentId}.",
                Retryable: false,
                Transient: false));

        var plan = ScopePlanner.Plan(app, command);
        if (plan.Conflicts.Count > 0)
        {
            throw new ScopeConflictsException(plan.Conflicts);
        }

        var planned = plan.Changes.Select(c => c.Change).ToList();
        if (command.DryRun || planned.Count == 0)
        {
            return new CommandResult(Synced(command, planned, writeCalls: 0));
        }

        ScopeApplyResult applied;
        try
        {
            applied = await ScopePlanApplier.ApplyAsync(client, command.AppSlug, plan, cancellationToken);
        }
        catch (ScopeSyncInterruptedException interrupted) when (interrupted.InnerException is { } cause)
        {
            var failure = CommandFailure.From(cause);
            throw new ScopeSyncPartiallyAppliedException(failure, interrupted.Applied, interrupted);
        }

        return new CommandResult(Synced(command, applied.Applied, applied.WriteCalls));
    }

    private ScopesSynced Synced(SyncScopes command, IReadOnlyList<ScopeChange> changes, int writeCalls) => new()
    {
        CommandId = command.CommandId,
        DeploymentId = command.DeploymentId,
        AppSlug = command.AppSlug,
        DryRun = command.DryRun,
        Changes = changes,
        WriteCalls = writeCalls,
        SyncedAt = time.GetUtcNow(),
        Trigger = command.Trigger,
        RequestedBy = command.RequestedBy,
        Reason = command.Reason,
    };

    private ScopeSyncFailed Failed(
        SyncScopes command,
        CommandFailure failure,
        IReadOnlyList<FieldError> fieldErrors,
        IReadOnlyList<ScopeConflict> conflicts,
        IReadOnlyList<ScopeChange> applied) => new()
        {
            CommandId = command.CommandId,
            DeploymentId = command.DeploymentId ?? "",
            AppSlug = command.AppSlug ?? "",
            FailedAt = time.GetUtcNow(),
            ErrorCode = failure.Code,
            Message = failure.Message,
            Retryable = failure.Retryable,
            Conflicts = conflicts,
            FieldErrors = fieldErrors,
            AppliedChanges = applied,
            Trigger = command.Trigger ?? CommandTriggers.Command,
            RequestedBy = command.RequestedBy,
            Reason = command.Reason,
        };
}
