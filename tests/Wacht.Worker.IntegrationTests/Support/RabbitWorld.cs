using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests.Support;

/// <summary>
/// One test's world on a real broker: the emulator (<see cref="WachtWorld"/>), a virtual host of its own, a "caller"
/// host (a separate bus that sends commands, makes requests and observes every result event, as another service
/// would) and any number of worker hosts built exactly as Program.cs builds one (<c>AddWachtWorker</c>).
/// </summary>
public sealed class RabbitWorld : IAsyncDisposable
{
    private readonly List<IHost> _workers = [];
    private readonly List<IHost> _senders = [];

    private RabbitWorld(WachtWorld world, TestVirtualHost vhost, IHost caller, EventObserver observer)
    {
        World = world;
        VirtualHost = vhost;
        Caller = caller;
        Observer = observer;
    }

    public WachtWorld World { get; }

    public TestVirtualHost VirtualHost { get; }

    public IHost Caller { get; }

    public IBus Bus => Caller.Services.GetRequiredService<IBus>();

    public EventObserver Observer { get; }

    /// <summary>Logs of every worker host of this world.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>A world on the shared broker, or on <paramref name="broker"/> (the chaos suite's own node).</summary>
    public static async Task<RabbitWorld> StartAsync(RabbitMqBroker? broker = null)
    {
        broker ??= await RabbitMqBroker.GetAsync();
        var world = await WachtWorld.StartAsync();
        var vhost = await broker.CreateVirtualHostAsync();
        var observer = new EventObserver();

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(observer);
        builder.Services.AddMassTransit(x =>
        {
            x.AddConsumer<EventObserverConsumer>();
            x.UsingRabbitMq((context, bus) =>
            {
                bus.Host(broker.Amqp.Host, (ushort)broker.Amqp.Port, vhost.Name, h =>
                {
                    h.Username(broker.Username);
                    h.Password(broker.Password);
                });
                bus.ReceiveEndpoint("test-audit-subscriber", e => e.ConfigureConsumer<EventObserverConsumer>(context));
            });
        });

        // Start returns only once the subscriber's queue is bound to every event exchange: otherwise an event published
        // before the bindings exist (a fast command, a loaded machine) is routed nowhere and the test waits in vain.
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        var caller = builder.Build();
        await caller.StartAsync();
        return new RabbitWorld(world, vhost, caller, observer);
    }

    /// <summary>
    /// Starts a worker host on this world's virtual host. <paramref name="configure"/> changes settings,
    /// <paramref name="services"/> replaces services (a destination that hangs, to simulate a crash).
    /// </summary>
    /// <param name="destination">A destination of the test's own that every client is routed to (<see cref="DestinationDoubles"/>).</param>
    public async Task<IHost> StartWorkerAsync(
        Action<Dictionary<string, string?>>? configure = null,
        Action<IServiceCollection>? services = null,
        Wacht.Worker.Secrets.ISecretDestination? destination = null)
    {
        var settings = World.WorkerSettings();
        VirtualHost.Apply(settings);
        configure?.Invoke(settings);
        if (destination is not null)
        {
            DestinationDoubles.Route(settings, destination.Name);
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddWachtWorker(builder.Configuration);
        if (destination is not null)
        {
            DestinationDoubles.Register(builder.Services, destination);
        }

        builder.Services.Configure<MassTransitHostOptions>(o => o.ConsumerStopTimeout = TimeSpan.FromSeconds(2));
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        _workers.Add(host);
        return host;
    }

    /// <summary>
    /// A bus of another service that connects as <paramref name="user"/> and, when <paramref name="userId"/> is given,
    /// stamps it as every message's <c>user_id</c> (RabbitMQ refuses a user_id that is not the connection's user).
    /// </summary>
    public async Task<IBus> StartSenderAsync(TestBrokerUser user, string? userId)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddMassTransit(x => x.UsingRabbitMq((_, bus) =>
        {
            bus.Host(VirtualHost.Broker.Amqp.Host, (ushort)VirtualHost.Broker.Amqp.Port, VirtualHost.Name, h =>
            {
                h.Username(user.Name);
                h.Password(user.Password);
            });
            if (userId is not null)
            {
                bus.ConfigureSend(send => send.UseExecute(context =>
                {
                    if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
                    {
                        rabbit.BasicProperties.UserId = userId;
                    }
                }));
            }
        }));
        var sender = builder.Build();
        await sender.StartAsync();
        _senders.Add(sender);
        return sender.Services.GetRequiredService<IBus>();
    }

    /// <summary>Sends a command to the worker's queue (as <c>queue:rotate-secret</c> etc.).</summary>
    public async Task SendAsync<T>(string queue, T command)
        where T : class
    {
        var endpoint = await Bus.GetSendEndpoint(new Uri($"queue:{queue}"));
        await endpoint.Send(command);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            try
            {
                await worker.StopAsync(TimeSpan.FromSeconds(10));
            }
            catch (ObjectDisposedException)
            {
                // Already stopped and disposed by the test (a crash simulation).
            }

            worker.Dispose();
        }

        foreach (var sender in _senders)
        {
            await sender.StopAsync(TimeSpan.FromSeconds(10));
            sender.Dispose();
        }

        await Caller.StopAsync(TimeSpan.FromSeconds(10));
        Caller.Dispose();
        await VirtualHost.DisposeAsync();
        await World.DisposeAsync();
    }
}
