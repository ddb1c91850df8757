using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Wacht.Worker.Authorization;

/// <summary>Registers the command authorisation policy.</summary>
public static class AuthorizationServiceCollectionExtensions
{
    /// <summary>Binds and validates <c>Worker:Authorization</c> and registers the authoriser the command pipeline asks (idempotent).</summary>
    public static IServiceCollection AddWachtCommandAuthorization(this IServiceCollection services)
    {
        services.AddOptions<CommandAuthorizationOptions>().BindConfiguration(CommandAuthorizationOptions.SectionPath).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CommandAuthorizationOptions>, CommandAuthorizationOptionsValidator>());
        services.TryAddSingleton<CommandAuthorizer>();
        return services;
    }
}
