using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.Health;

/// <summary>
/// Registered when <c>Worker:Scheduling:Enabled</c> is true. Ready when the Quartz scheduler is started (not shut down,
/// not in standby) and its store answers: the state of each of the worker's triggers is read from it (PostgreSQL for
/// a clustered schedule) and reported in the body.
/// </summary>
internal sealed class SchedulerHealthCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public const string Name = "scheduler";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var scheduler = await schedulers.GetScheduler(cancellationToken);
            if (scheduler.Status != SchedulerStatus.Running)
            {
                return HealthCheckResult.Unhealthy($"the scheduler is {scheduler.Status}");
            }

            // Read from the store: for a clustered schedule, a round trip to PostgreSQL. None: the job is disabled.
            var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["instance"] = scheduler.SchedulerInstanceId };
            foreach (var job in (string[])[JobNames.RotationSweep, JobNames.GrantAudit])
            {
                data[job] = (await scheduler.GetTriggerState(SchedulingServiceCollectionExtensions.TriggerKeyOf(job), cancellationToken)).ToString();
            }

            return HealthCheckResult.Healthy("running", data);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the scheduler's store does not answer ({exception.GetType().Name})");
        }
    }
}
