using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using Wacht.Worker.Grants;
using Wacht.Worker.Ledger;
using Wacht.Worker.Rotation;

namespace Wacht.Worker.Jobs;

/// <summary>
/// Deletes a disabled job from the scheduler at start. Only matters on a persistent store, which would otherwise keep
/// firing the trigger an earlier start (with the job enabled) stored.
/// </summary>
internal sealed class DisabledJobRemover(
    ISchedulerFactory schedulers,
    IOptions<RotationSweepOptions> sweep,
    IOptions<GrantAuditOptions> audit,
    ILogger<DisabledJobRemover> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        if (!sweep.Value.Enabled && await scheduler.DeleteJob(SchedulingServiceCollectionExtensions.JobKeyOf(JobNames.RotationSweep), cancellationToken))
        {
            JobLog.JobUnscheduled(logger, JobNames.RotationSweep, RotationSweepOptions.SectionPath + ":Enabled");
        }

        if (!audit.Value.Enabled && await scheduler.DeleteJob(SchedulingServiceCollectionExtensions.JobKeyOf(JobNames.GrantAudit), cancellationToken))
        {
            JobLog.JobUnscheduled(logger, JobNames.GrantAudit, GrantAuditOptions.SectionPath + ":Enabled");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
