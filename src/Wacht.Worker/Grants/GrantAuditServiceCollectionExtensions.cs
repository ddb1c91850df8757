using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Wacht.Worker.Jobs;

namespace Wacht.Worker.Grants;

public static class GrantAuditServiceCollectionExtensions
{
    /// <summary>
    /// Registers the grant audit: its options (<c>Worker:GrantAudit</c>, validated at start), the inventory walker and
    /// <see cref="GrantAudit"/>. It needs the Wacht client, an <see cref="Ledger.IJobLedger"/>, the bus and a
    /// <see cref="TimeProvider"/> from elsewhere.
    /// </summary>
    public static IServiceCollection AddWachtGrantAudit(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<GrantAuditOptions>()
            .BindConfiguration(GrantAuditOptions.SectionPath)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrantAuditOptions>, GrantAuditOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InventoryWalker>();
        services.AddMetrics();
        services.TryAddSingleton<JobMetrics>();
        services.TryAddSingleton<GrantAudit>();
        return services;
    }
}
