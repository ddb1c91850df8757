using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Wacht.Worker.Jobs;
using Wacht.Worker.Rotation;

namespace Wacht.Worker.Grants;

public static class GrantAuditServiceCollectionExtensions
{
    /// <summary>
    /// Registers the grant audit: its options (<c>Worker:GrantAudit</c>, validated at start), the inventory walker and
    /// <see cref="GrantAudit"/>, and the rotation sweep whose settings it reads. It needs the Wacht client, an <see cref="Ledger.IJobLedger"/>, the bus and a
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

        // SecretNeverRotated is measured against the rotation sweep's maximum age, and names the sweep's command id.
        services.AddWachtRotationSweep();
        return services;
    }
}
