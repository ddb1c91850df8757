using System.Security.Authentication;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Wacht.Worker.Authorization;
using Wacht.Worker.Commands;
using Wacht.Worker.Hosting;
using Wacht.Worker.Messaging.Watchdog;

namespace Wacht.Worker.Messaging;

/// <summary>Registers MassTransit with the worker's consumers on the configured transport.</summary>
public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Worker:Messaging</c> and registers the bus: RabbitMQ (durable queues, publisher confirms, optional
    /// TLS and quorum queues) or the in-memory transport, kebab-case endpoints (<c>rotate-secret</c>,
    /// <c>revoke-grant</c>, <c>sync-scopes</c>). <paramref name="configureBus"/> lets a host add its own consumers
    /// (subscribers of the result events, for example). <paramref name="mode"/> <see cref="WorkerHostMode.Sender"/>
    /// registers no command consumer: the process only sends commands. MassTransit's usage telemetry is off.
    /// </summary>
    public static IServiceCollection AddWachtMessaging(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<IBusRegistrationConfigurator>? configureBus = null,
        WorkerHostMode mode = WorkerHostMode.Service)
    {
        services.AddWachtMessagingOptions();

        // The transport has to be chosen while registering, before options exist; the rest is read from options.
        var transport = configuration.GetSection(MessagingOptions.SectionPath).GetValue(nameof(MessagingOptions.Transport), TransportKind.InMemory);

        services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(30);
            o.ConsumerStopTimeout = TimeSpan.FromSeconds(20);
        });

        services.AddMassTransit(x =>
        {
            // MassTransit sends usage telemetry to its vendor about five minutes after the bus starts unless told not
            // to; nothing in the worker phones home. (MassTransit's MASSTRANSIT_USAGE_TELEMETRY=true turns it back on.)
            x.DisableUsageTelemetry();
            if (mode == WorkerHostMode.Service)
            {
                AddWachtConsumers(x);
            }
            else
            {
                x.SetKebabCaseEndpointNameFormatter();
            }

            configureBus?.Invoke(x);

            if (transport == TransportKind.RabbitMq)
            {
                x.AddConfigureEndpointsCallback((context, _, endpoint) =>
                {
                    if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit
                        && context.GetRequiredService<IOptions<MessagingOptions>>().Value.RabbitMq.QuorumQueues)
                    {
                        rabbit.SetQuorumQueue();
                    }
                });
                x.UsingRabbitMq((context, bus) =>
                {
                    var options = context.GetRequiredService<IOptions<MessagingOptions>>().Value.RabbitMq;
                    var port = options.Port != 0 ? options.Port : options.UseTls ? 5671 : 5672;
                    bus.Host(options.Host, (ushort)port, options.VirtualHost, host =>
                    {
                        host.Username(options.Username);
                        if (options.ResolvePassword() is { } password)
                        {
                            host.Password(password);
                        }

                        host.Heartbeat(options.Heartbeat);
                        host.PublisherConfirmation = true;
                        if (options.UseTls)
                        {
                            host.UseSsl(ssl =>
                            {
                                ssl.ServerName = options.TlsServerName ?? options.Host;
                                ssl.Protocol = SslProtocols.Tls12 | SslProtocols.Tls13;
                            });
                        }
                    });
                    if (context.GetRequiredService<IOptions<CommandAuthorizationOptions>>().Value.Enabled)
                    {
                        // The jobs' commands (and the events) carry the worker's own validated user under the policy.
                        BrokerIdentity.StampSends(bus, options.Username);
                    }

                    bus.Durable = true;
                    bus.PrefetchCount = options.PrefetchCount;
                    bus.ConfigureEndpoints(context);
                });
            }
            else
            {
                x.UsingInMemory((context, bus) => bus.ConfigureEndpoints(context));
            }
        });

        if (transport == TransportKind.RabbitMq && mode == WorkerHostMode.Service)
        {
            services.AddOptions<ConsumerWatchdogOptions>().BindConfiguration(ConsumerWatchdogOptions.SectionPath).ValidateOnStart();
            services.AddSingleton<IValidateOptions<ConsumerWatchdogOptions>, ConsumerWatchdogOptionsValidator>();
            services.TryAddSingleton<HostExitCode>();
            services.AddHostedService<ConsumerWatchdog>();
        }

        return services;
    }

    /// <summary>Binds and validates <c>Worker:Messaging</c> (idempotent).</summary>
    public static IServiceCollection AddWachtMessagingOptions(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<MessagingOptions>)))
        {
            return services;
        }

        services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.SectionPath).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MessagingOptions>, MessagingOptionsValidator>();
        return services;
    }

    /// <summary>
    /// The worker's command consumers, one per command handler (<see cref="CommandHandlers"/>), with their
    /// definitions; also used by tests on the MassTransit test harness.
    /// </summary>
    public static void AddWachtConsumers(IBusRegistrationConfigurator bus)
    {
        bus.SetKebabCaseEndpointNameFormatter();
        foreach (var handler in CommandHandlers.All)
        {
            bus.TryAddSingleton(handler.Service, handler.Implementation);
            bus.AddConsumer(handler.Consumer, handler.Definition);
        }
    }
}
