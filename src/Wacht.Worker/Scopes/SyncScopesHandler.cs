using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Scopes;

/// <summary>
/// Executes <see cref="SyncScopes"/>: reads the app, plans the changes (<see cref="ScopePlanner"/>), refuses the whole
/// command when any planned change would be refused by the platform (every conflict listed, nothing changed), reports
/// the plan in a dry run, and otherwise applies it. A second run of the same spec plans nothing and writes nothing.
/// </summary>
internal sealed class SyncScopesHandler(TimeProvider time) : ICommandHandler<SyncScopes, ScopesSynced, ScopeSyncFailed>
{
    public const string CommandKind = "sync-scopes";

    public string Kind => CommandKind;

    public CommandTarget Target(SyncScopes command) => new(null, LockKeys.App(command.DeploymentId, command.AppSlug));

    public void Validate(SyncScopes command, CommandFields fields) => fields.Add(SyncScopesValidator.Validate(command));

    public IEnumerable<string?> MeaningfulFields(SyncScopes command) =>
        [command.DeploymentId, command.AppSlug, CommandFingerprint.Json(command.Scopes), command.MissingScopes, command.DryRun ? "dry-run" : "apply"];

    public async Task<CommandResult<ScopesSynced>> ExecuteAsync(SyncScopes command, CommandExecution execution, CancellationToken cancellationToken)
    {
        var client = execution.Wacht;
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
            return new CommandResult<ScopesSynced>(Synced(command, execution.SentBy, planned, writeCalls: 0));
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

        return new CommandResult<ScopesSynced>(Synced(command, execution.SentBy, applied.Applied, applied.WriteCalls));
    }

    private ScopesSynced Synced(SyncScopes command, string? sentBy, IReadOnlyList<ScopeChange> changes, int writeCalls) => new()
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
        SentBy = sentBy,
    };

    public ScopeSyncFailed Failed(SyncScopes command, CommandFailure failure, FailureDetails details) => FailureEcho.Bound(new ScopeSyncFailed
    {
        CommandId = command.CommandId,
        DeploymentId = command.DeploymentId ?? "",
        AppSlug = command.AppSlug ?? "",
        FailedAt = time.GetUtcNow(),
        ErrorCode = failure.Code,
        Message = failure.Message,
        Retryable = failure.Retryable,
        Conflicts = (details.Exception as ScopeConflictsException)?.Conflicts ?? [],
        FieldErrors = details.FieldErrors,
        AppliedChanges = (details.Exception as ScopeSyncPartiallyAppliedException)?.Applied ?? [],
        Trigger = command.Trigger ?? CommandTriggers.Command,
        RequestedBy = command.RequestedBy,
        Reason = command.Reason,
        SentBy = details.SentBy,
    });
}
