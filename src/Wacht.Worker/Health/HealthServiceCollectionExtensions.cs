using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Wacht.Client;
using Wacht.Worker.Jobs;

namespace Wacht.Worker.Health;

/// <summary>Registers the worker's health checks and, when <c>Worker:Health:Enabled</c>, the listener that serves them.</summary>
public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <c>Worker:Health</c> and registers the checks: <c>process</c> (live); <c>host</c>,
    /// <c>command-endpoints</c>, <c>ledger</c>, <c>scheduler</c> (when scheduling is enabled) and MassTransit's own
    /// <c>masstransit-bus</c> (ready); <c>wacht:{deployment}</c> for each configured deployment (information). Then, when
    /// enabled, the listener, registered as the first hosted service.
    /// </summary>
    public static IServiceCollection AddWachtHealth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.SectionPath).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HealthOptions>, HealthOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WachtReachabilityCache>();

        // Read while registering, like the scheduler's own registration: which checks exist depends on them.
        var health = configuration.GetSection(HealthOptions.SectionPath).Get<HealthOptions>() ?? new HealthOptions();
        var scheduling = configuration.GetSection(SchedulingOptions.SectionPath).Get<SchedulingOptions>() ?? new SchedulingOptions();
        var timeout = health.CheckTimeout > TimeSpan.Zero ? health.CheckTimeout : TimeSpan.FromSeconds(5);

        var checks = services.AddHealthChecks()
            .AddCheck<ProcessHealthCheck>(ProcessHealthCheck.Name, tags: [HealthTags.Live])
            .AddCheck<HostLifetimeHealthCheck>(HostLifetimeHealthCheck.Name, tags: [HealthTags.Ready])
            .AddCheck<CommandEndpointsHealthCheck>(CommandEndpointsHealthCheck.Name, tags: [HealthTags.Ready])
            .AddCheck<LedgerHealthCheck>(LedgerHealthCheck.Name, HealthStatus.Unhealthy, [HealthTags.Ready], timeout);
        if (scheduling.Enabled)
        {
            checks.AddCheck<SchedulerHealthCheck>(SchedulerHealthCheck.Name, HealthStatus.Unhealthy, [HealthTags.Ready], timeout);
        }

        // One check per deployment, from the bound options (the embedded emulator adds its deployments to configuration
        // before the host is built, so they are known here too).
        services.AddOptions<HealthCheckServiceOptions>().Configure<IOptions<WachtOptions>>((o, wacht) =>
        {
            foreach (var deploymentId in wacht.Value.Deployments.Keys.Order(StringComparer.Ordinal))
            {
                o.Registrations.Add(new HealthCheckRegistration(
                    WachtReachabilityHealthCheck.NamePrefix + deploymentId,
                    sp => ActivatorUtilities.CreateInstance<WachtReachabilityHealthCheck>(sp, deploymentId),
                    HealthStatus.Unhealthy,
                    [HealthTags.Wacht],
                    timeout));
            }
        });

        if (health.Enabled)
        {
            services.TryAddSingleton<HealthListener>();

            // First to start, last to stop: it answers "not ready" while the ledger, the bus and the scheduler start.
            services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(static sp => sp.GetRequiredService<HealthListener>()));
        }

        return services;
    }
}
