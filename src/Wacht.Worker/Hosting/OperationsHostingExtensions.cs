using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Wacht.Worker.Health;
using Wacht.Worker.Telemetry;

namespace Wacht.Worker.Hosting;

/// <summary>What running the worker as a service adds to <c>AddWachtWorker</c>: telemetry, health, the shutdown budget.</summary>
public static class OperationsHostingExtensions
{
    /// <summary>
    /// Telemetry (<c>Worker:Telemetry</c>), the health checks and their listener (<c>Worker:Health</c>) and the shutdown
    /// budget. JSON console logs come from configuration (<c>appsettings.Production.json</c>). Called once by the
    /// composition root, after <c>AddWachtWorker</c>.
    /// </summary>
    /// <param name="healthListener">
    /// False for the one-shot commands (<c>demo</c>, <c>sweep</c>, <c>audit</c>): they run beside a running worker (e.g.
    /// <c>kubectl exec</c>) and must not take its port, whatever <c>Worker:Health:Enabled</c> says.
    /// </param>
    public static IHostApplicationBuilder AddWachtOperations(this IHostApplicationBuilder builder, bool healthListener = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!healthListener)
        {
            builder.Configuration.AddInMemoryCollection([new(HealthOptions.SectionPath + ":" + nameof(HealthOptions.Enabled), "false")]);
        }

        builder.Services.AddWachtTelemetry(builder.Configuration);
        builder.Services.AddWachtHealth(builder.Configuration);
        builder.Services.AddWachtShutdownBudget();
        return builder;
    }
}
