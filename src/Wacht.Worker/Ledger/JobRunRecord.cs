namespace Wacht.Worker.Ledger;

/// <summary>One finished run of a scheduled job, as the ledger keeps it.</summary>
/// <param name="Job">A <see cref="JobNames"/> value.</param>
/// <param name="Trigger">A <c>JobTriggers</c> value (<c>schedule</c> or <c>manual</c>).</param>
/// <param name="ScheduledFireAt">The Quartz fire time that started it (null for a manual run): lets a test or an operator check that each fire ran once.</param>
/// <param name="Instance">Which worker instance ran it (the Quartz instance id or the machine name).</param>
/// <param name="Succeeded">False when the run ended with errors (e.g. an unreachable deployment) or failed.</param>
/// <param name="SummaryJson">The run's completion event (<c>RotationSweepCompleted</c> / <c>GrantAuditCompleted</c>) as JSON.</param>
public sealed record JobRunRecord(
    Guid RunId,
    string Job,
    string Trigger,
    bool DryRun,
    DateTimeOffset? ScheduledFireAt,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string Instance,
    bool Succeeded,
    string SummaryJson);
