using Microsoft.Extensions.Logging;
using Quartz;
using Wacht.Worker.Grants;
using Wacht.Worker.Ledger;
using Wacht.Worker.Telemetry;

namespace Wacht.Worker.Jobs;

/// <summary>The Quartz job that fires <see cref="GrantAudit"/> on <c>Worker:GrantAudit:Cron</c>.</summary>
[DisallowConcurrentExecution]
internal sealed class GrantAuditJob(GrantAudit audit, ILogger<GrantAuditJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var request = ScheduledRun.Request(context);
        using var span = WorkerActivitySource.StartJobRun(JobNames.GrantAudit, request.Trigger, request.ScheduledFireAt);
        try
        {
            var report = await audit.RunAsync(request, context.CancellationToken);
            var s = report.Summary;
            ScheduledRun.Completed(span, s.RunId, s.Errors.Count);
            JobLog.AuditFinished(logger, s.RunId, request.ScheduledFireAt, request.Instance ?? "", s.Deployments, s.Grants, s.FindingsByKind.Values.Sum(), s.FindingsPublished, s.FindingsSuppressed, s.RevocationsRequested, s.Errors.Count, s.DryRun);
        }
        catch (Exception exception) when (ScheduledRun.ShouldReport(exception, context))
        {
            WorkerActivitySource.Failed(span, "job_failed", exception);
            throw ScheduledRun.Failed(logger, JobNames.GrantAudit, request, exception);
        }
    }
}
