using Wacht.Client;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Scopes;

/// <summary>What <see cref="ScopePlanApplier.ApplyAsync"/> did.</summary>
/// <param name="Applied">The steps applied, in order (every <c>add</c> of the plan counts as applied by the one add call).</param>
/// <param name="WriteCalls">How many write calls succeeded (all adds together make one).</param>
public sealed record ScopeApplyResult(IReadOnlyList<ScopeChange> Applied, int WriteCalls);

/// <summary>Executes a <see cref="ScopePlan"/> against Wacht, in the plan's order, one call per step (one for all adds).</summary>
public static class ScopePlanApplier
{
    /// <summary>
    /// Applies <paramref name="plan"/>. Refuses a plan with conflicts (<see cref="InvalidOperationException"/>, before
    /// any call). When a call fails, throws <see cref="ScopeSyncInterruptedException"/> carrying the steps applied so far
    /// and the client's exception as <see cref="Exception.InnerException"/>; re-planning and applying again finishes the
    /// rest (every step is idempotent once re-planned). Cancellation of <paramref name="ct"/> propagates as
    /// <see cref="OperationCanceledException"/> unwrapped.
    /// </summary>
    public static async Task<ScopeApplyResult> ApplyAsync(IWachtClient client, string appSlug, ScopePlan plan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(appSlug);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.HasConflicts)
        {
            throw new InvalidOperationException($"A scope plan with {plan.Conflicts.Count} conflict(s) must not be applied.");
        }

        var applied = new List<ScopeChange>(plan.Changes.Count);
        var writeCalls = 0;
        var addsDone = false;
        foreach (var step in plan.Changes)
        {
            if (step.Action == ScopeChangeActions.Add && addsDone)
            {
                continue;
            }

            ct.ThrowIfCancellationRequested();
            try
            {
                await ExecuteAsync(client, appSlug, plan, step, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                throw new ScopeSyncInterruptedException(appSlug, step.Change, [.. applied], writeCalls, ex);
            }

            writeCalls++;
            if (step.Action == ScopeChangeActions.Add)
            {
                addsDone = true;
                applied.AddRange(plan.Changes.Where(c => c.Action == ScopeChangeActions.Add).Select(c => c.Change));
            }
            else
            {
                applied.Add(step.Change);
            }
        }

        return new ScopeApplyResult(applied, writeCalls);
    }

    private static Task<OAuthApp> ExecuteAsync(IWachtClient client, string appSlug, ScopePlan plan, PlannedScopeChange step, CancellationToken ct) =>
        step.Action switch
        {
            ScopeChangeActions.Add => client.UpdateOAuthAppAsync(appSlug, plan.AddRequest ?? throw Malformed(step), ct),
            ScopeChangeActions.Unarchive => client.UnarchiveOAuthScopeAsync(appSlug, step.Scope, ct),
            ScopeChangeActions.UpdateText => client.UpdateOAuthScopeAsync(appSlug, step.Scope, step.TextUpdate ?? throw Malformed(step), ct),
            ScopeChangeActions.SetMapping => client.SetOAuthScopeMappingAsync(appSlug, step.Scope, step.Mapping ?? throw Malformed(step), ct),
            ScopeChangeActions.Archive => client.ArchiveOAuthScopeAsync(appSlug, step.Scope, ct),
            _ => throw Malformed(step),
        };

    private static InvalidOperationException Malformed(PlannedScopeChange step) =>
        new($"The scope plan step '{step.Action}' of scope '{step.Scope}' lacks what it needs to be applied.");
}
