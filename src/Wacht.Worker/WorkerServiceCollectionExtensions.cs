using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Wacht.Client;
using Wacht.Worker.Authorization;
using Wacht.Worker.Commands;
using Wacht.Worker.Grants;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;
using Wacht.Worker.Messaging;
using Wacht.Worker.Rotation;
using Wacht.Worker.Secrets;

namespace Wacht.Worker;

/// <summary>The worker's composition: one call from <c>Program.cs</c> (and from tests that host the worker).</summary>
public static class WorkerServiceCollectionExtensions
{
    /// <summary>
    /// Registers everything the worker runs: <see cref="AddWachtCommandExecution"/>, the bus (<c>Worker:Messaging</c>)
    /// and the scheduler (<c>Worker:Scheduling</c>). <paramref name="configureBus"/> lets a host add consumers of its own.
    /// <paramref name="mode"/> <see cref="WorkerHostMode.Sender"/> (the <c>sweep</c>/<c>audit</c> commands) registers
    /// neither the command consumers nor the scheduler.
    /// </summary>
    public static IServiceCollection AddWachtWorker(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<IBusRegistrationConfigurator>? configureBus = null,
        WorkerHostMode mode = WorkerHostMode.Service)
    {
        services.AddWachtCommandExecution();
        services.AddWachtMessaging(configuration, configureBus, mode);
        services.AddWachtScheduling(configuration, runScheduler: mode == WorkerHostMode.Service);
        return services;
    }

    /// <summary>
    /// Everything the command consumers need except the bus: the Wacht client (<c>Wacht</c>), the ledger
    /// (<c>Worker:Ledger</c>, registered first so its schema exists before the bus consumes), the secret destinations
    /// (<c>Worker:Secrets</c>), the messaging options the consumer definitions read, and the command pipeline. Tests
    /// on the MassTransit test harness call this plus <c>AddMassTransitTestHarness(MessagingServiceCollectionExtensions.AddWachtConsumers)</c>.
    /// </summary>
    public static IServiceCollection AddWachtCommandExecution(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddWachtLedger();
        services.AddWachtClient();
        services.AddWachtSecretDestinations();
        services.AddWachtMessagingOptions();
        services.AddWachtCommandAuthorization();
        services.AddOptions<RotationOptions>().BindConfiguration(RotationOptions.SectionPath).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RotationOptions>, RotationOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<CommandMetrics>();
        services.AddWachtRotationSweep();
        services.AddWachtGrantAudit();
        return services;
    }
}
