using System.Diagnostics.Metrics;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.Jobs;

/// <summary>The scheduled jobs' instruments on the worker's meter (<c>Wacht.Worker</c>), recorded from each run's summary.</summary>
public sealed class JobMetrics
{
    private readonly Counter<long> _runs;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _commands;
    private readonly Counter<long> _findings;
    private readonly Counter<long> _warnings;
    private IReadOnlyDictionary<string, TimeSpan> _oldestSecretAges = new Dictionary<string, TimeSpan>();

    public JobMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(CommandMetrics.MeterName);
        _runs = meter.CreateCounter<long>(
            "wacht_worker.job.runs",
            unit: "{run}",
            description: "Finished runs of the scheduled jobs, by job, trigger (schedule, manual) and outcome (completed, completed_with_errors).");
        _duration = meter.CreateHistogram<double>("wacht_worker.job.duration", unit: "s", description: "Duration of a finished run, by job.");
        _commands = meter.CreateCounter<long>(
            "wacht_worker.job.commands_sent",
            unit: "{command}",
            description: "RotateSecret (rotation-sweep) and RevokeGrant (grant-audit) commands the jobs sent, by job; dry runs send none.");
        _findings = meter.CreateCounter<long>(
            "wacht_worker.audit.findings",
            unit: "{finding}",
            description: "Grant audit findings per run, by kind, whether published or suppressed as already reported.");
        _warnings = meter.CreateCounter<long>(
            "wacht_worker.sweep.due_warnings",
            unit: "{warning}",
            description: "SecretRotationDue warnings the sweep published.");
        meter.CreateObservableGauge(
            "wacht_worker.secret.oldest_age",
            ObserveOldestSecretAges,
            unit: "s",
            description: "Age of the oldest client secret per deployment, as the last rotation sweep in this process measured it (clients it sent a rotation for count as rotated), by deployment.");
    }

    /// <summary>
    /// Replaces the oldest secret age of every deployment with what a sweep measured (a deployment it could not list
    /// disappears until a sweep measures it again).
    /// </summary>
    public void SweepMeasured(IReadOnlyDictionary<string, TimeSpan> oldestByDeployment)
    {
        ArgumentNullException.ThrowIfNull(oldestByDeployment);
        Volatile.Write(ref _oldestSecretAges, new Dictionary<string, TimeSpan>(oldestByDeployment, StringComparer.Ordinal));
    }

    private IEnumerable<Measurement<double>> ObserveOldestSecretAges() =>
        Volatile.Read(ref _oldestSecretAges)
            .Select(static p => new Measurement<double>(Math.Max(0, p.Value.TotalSeconds), new KeyValuePair<string, object?>("deployment", p.Key)));

    public void Completed(RotationSweepCompleted summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        Run(JobNames.RotationSweep, summary.Trigger, summary.Errors.Count, summary.FinishedAt - summary.StartedAt);
        if (!summary.DryRun && summary.Rotated > 0)
        {
            _commands.Add(summary.Rotated, new KeyValuePair<string, object?>("job", JobNames.RotationSweep));
        }

        // A dry run's Warned counts warnings it would have published; none was.
        if (!summary.DryRun && summary.Warned > 0)
        {
            _warnings.Add(summary.Warned);
        }
    }

    public void Completed(GrantAuditCompleted summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        Run(JobNames.GrantAudit, summary.Trigger, summary.Errors.Count, summary.FinishedAt - summary.StartedAt);
        if (!summary.DryRun && summary.RevocationsRequested > 0)
        {
            _commands.Add(summary.RevocationsRequested, new KeyValuePair<string, object?>("job", JobNames.GrantAudit));
        }

        foreach (var (kind, count) in summary.FindingsByKind)
        {
            if (count > 0)
            {
                _findings.Add(count, new KeyValuePair<string, object?>("kind", kind));
            }
        }
    }

    private void Run(string job, string trigger, int errors, TimeSpan duration)
    {
        _runs.Add(1, [new("job", job), new("trigger", trigger), new("outcome", errors == 0 ? "completed" : "completed_with_errors")]);
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("job", job));
    }
}
