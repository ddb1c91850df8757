using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Wacht.Worker.Rotation.Validity;

/// <summary>Registers the rotation sweep's validity check of delivered secrets.</summary>
public static class DeliveredSecretCheckServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="DeliveredSecretCheckOptions"/> (section <c>Worker:RotationSweep:Validity</c>, validated at start)
    /// and registers <see cref="DeliveredSecretCheck"/>. It also needs the ledger, the secret destinations and router,
    /// and the bus, registered elsewhere. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddWachtDeliveredSecretCheck(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DeliveredSecretCheckOptions>()
            .BindConfiguration(DeliveredSecretCheckOptions.SectionPath)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeliveredSecretCheckOptions>, DeliveredSecretCheckOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DeliveredSecretCheck>();
        return services;
    }
}
