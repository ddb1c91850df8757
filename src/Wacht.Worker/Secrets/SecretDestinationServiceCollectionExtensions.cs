using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Wacht.Worker.Secrets.Files;
using Wacht.Worker.Secrets.Kubernetes;
using Wacht.Worker.Secrets.Reload;

namespace Wacht.Worker.Secrets;

/// <summary>Registers the secret destinations and the router.</summary>
public static class SecretDestinationServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SecretDestinationOptions"/> (section <c>Worker:Secrets</c>, validated at start), the
    /// destination kinds, <see cref="SecretDestinations"/> (every configured destination, by name),
    /// <see cref="SecretRouter"/> and <see cref="SecretReloader"/>. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddWachtSecretDestinations(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static d => d.ServiceType == typeof(SecretRouter)))
        {
            return services;
        }

        services.AddOptions<SecretDestinationOptions>()
            .BindConfiguration(SecretDestinationOptions.SectionPath)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecretDestinationOptions>, SecretDestinationOptionsValidator>());

        // One line per kind.
        services.AddSecretDestinationKind<FileDestinationKind>();
        services.AddSecretDestinationKind<KubernetesDestinationKind>();

        services.TryAddSingleton<SecretDestinations>();
        services.TryAddSingleton<SecretRouter>();

        // Reload actions. The webhooks' client logs nothing of its own (no URLs with tokens in the logs).
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(SecretReloader.HttpClientName).RemoveAllLoggers();
        services.TryAddSingleton<SecretReloader>();

        return services;
    }

    /// <summary>Registers a destination kind (its <see cref="ISecretDestinationKind.Kind"/> becomes a valid <c>Kind</c> value).</summary>
    public static IServiceCollection AddSecretDestinationKind<TKind>(this IServiceCollection services)
        where TKind : class, ISecretDestinationKind
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISecretDestinationKind, TKind>());
        return services;
    }
}
