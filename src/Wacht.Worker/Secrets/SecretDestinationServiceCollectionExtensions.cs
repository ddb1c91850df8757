using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Wacht.Worker.Secrets;

/// <summary>Registers the secret destination.</summary>
public static class SecretDestinationServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SecretDestinationOptions"/> (section <c>Worker:Secrets</c>, validated at start) and the
    /// configured <see cref="ISecretDestination"/> — for now always <see cref="FileSecretDestination"/>, also resolvable
    /// as itself. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddWachtSecretDestinations(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static d => d.ServiceType == typeof(FileSecretDestination)))
        {
            return services;
        }

        services.AddOptions<SecretDestinationOptions>()
            .BindConfiguration(SecretDestinationOptions.SectionPath)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecretDestinationOptions>, SecretDestinationOptionsValidator>());
        services.TryAddSingleton<FileSecretDestination>();
        services.TryAddSingleton<ISecretDestination>(static sp => sp.GetRequiredService<FileSecretDestination>());
        return services;
    }
}
