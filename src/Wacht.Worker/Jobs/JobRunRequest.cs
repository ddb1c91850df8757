using Wacht.Worker.Contracts;

namespace Wacht.Worker.Jobs;

/// <summary>How a run of the sweep or the audit was started.</summary>
/// <param name="Trigger">A <see cref="JobTriggers"/> value.</param>
/// <param name="DryRun">Overrides the configured <c>DryRun</c> when set (the command line's <c>--dry-run</c>).</param>
/// <param name="ScheduledFireAt">The Quartz scheduled fire time (null for a manual run). The sweep derives its command window from it, so a re-fired trigger sends the same command ids.</param>
/// <param name="Instance">The worker instance running it, for the ledger's run record.</param>
/// <param name="CollectItems">Keep every reported item (findings, rotation decisions) in the report for printing; the scheduled jobs leave it off so memory does not grow with the inventory.</param>
public sealed record JobRunRequest(
    string Trigger,
    bool? DryRun = null,
    DateTimeOffset? ScheduledFireAt = null,
    string? Instance = null,
    bool CollectItems = false);
