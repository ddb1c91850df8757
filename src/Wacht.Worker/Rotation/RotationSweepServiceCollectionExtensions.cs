using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Wacht.Worker.Jobs;
using Wacht.Worker.Rotation.Validity;

namespace Wacht.Worker.Rotation;

/// <summary>Registers the secret-rotation sweep.</summary>
public static class RotationSweepServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="RotationSweepOptions"/> (section <c>Worker:RotationSweep</c>, validated at start) and registers
    /// <see cref="InventoryWalker"/> and <see cref="RotationSweep"/>. The sweep also needs the ledgers
    /// (<see cref="Ledger.ICommandLedger"/>, <see cref="Ledger.IJobLedger"/>), the Wacht client and the bus
    /// (<see cref="MassTransit.IBus"/>), registered elsewhere. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddWachtRotationSweep(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RotationSweepOptions>()
            .BindConfiguration(RotationSweepOptions.SectionPath)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RotationSweepOptions>, RotationSweepOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InventoryWalker>();
        services.AddMetrics();
        services.TryAddSingleton<JobMetrics>();
        services.AddWachtDeliveredSecretCheck();
        services.TryAddSingleton<RotationSweep>();
        return services;
    }
}
