using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Quartz;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;
using Wacht.Worker.Rotation;
using Wacht.Worker.Telemetry;

namespace Wacht.Worker.Jobs;

/// <summary>The Quartz job that fires <see cref="RotationSweep"/> on <c>Worker:RotationSweep:Cron</c>.</summary>
[DisallowConcurrentExecution]
internal sealed class RotationSweepJob(RotationSweep sweep, ILogger<RotationSweepJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var request = ScheduledRun.Request(context);
        using var span = WorkerActivitySource.StartJobRun(JobNames.RotationSweep, request.Trigger, request.ScheduledFireAt);
        try
        {
            var report = await sweep.RunAsync(request, context.CancellationToken);
            var s = report.Summary;
            ScheduledRun.Completed(span, s.RunId, s.Errors.Count);
            JobLog.SweepFinished(logger, s.RunId, request.ScheduledFireAt, request.Instance ?? "", s.Deployments, s.ClientsSeen, s.Due, s.Rotated, s.Warned, s.Failed, s.Errors.Count, s.DryRun);
        }
        catch (Exception exception) when (ScheduledRun.ShouldReport(exception, context))
        {
            WorkerActivitySource.Failed(span, "job_failed", exception);
            throw ScheduledRun.Failed(logger, JobNames.RotationSweep, request, exception);
        }
    }
}

/// <summary>What both scheduled jobs share: the run request and the failure report.</summary>
internal static class ScheduledRun
{
    public static JobRunRequest Request(IJobExecutionContext context) =>
        new(JobTriggers.Schedule, ScheduledFireAt: context.ScheduledFireTimeUtc, Instance: context.Scheduler.SchedulerInstanceId);

    /// <summary>Every failure is reported, except a cancellation because the scheduler is shutting down.</summary>
    public static bool ShouldReport(Exception exception, IJobExecutionContext context) =>
        exception is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested;

    /// <summary>Tags a run's span with its run id and, when the run reported errors, marks it so.</summary>
    public static void Completed(Activity? span, Guid runId, int errors)
    {
        span?.SetTag(WorkerActivitySource.TagNames.JobRunId, runId.ToString());
        if (errors > 0)
        {
            WorkerActivitySource.Failed(span, "completed_with_errors");
        }
    }

    /// <summary>Logs the failure and wraps it so Quartz records it without firing again at once.</summary>
    public static JobExecutionException Failed(ILogger logger, string job, JobRunRequest request, Exception exception)
    {
        JobLog.JobFailed(logger, exception, job, request.ScheduledFireAt, request.Instance ?? "");
        return exception as JobExecutionException ?? new JobExecutionException(exception) { RefireImmediately = false };
    }
}
