using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Wacht.Worker.Health;

/// <summary>
/// The liveness check: the process runs and its listener answers. Deliberately no dependency: a broker or ledger
/// outage makes the worker not ready, and restarting it would not help, so liveness must not fail for it.
/// </summary>
internal sealed class ProcessHealthCheck : IHealthCheck
{
    public const string Name = "process";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy("answers"));
}
