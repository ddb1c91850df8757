using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wacht.Worker.Ledger;
using Wacht.Worker.Messaging;
using Wacht.Worker.Secrets;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Support;

/// <summary>
/// The worker's consumers on the MassTransit test harness (in-memory transport) with the real command pipeline:
/// SQLite ledger in a temp directory, file secret destination, Wacht client against an emulator over loopback HTTP.
/// </summary>
public sealed class HarnessWorld : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private readonly bool _ownsWorld;

    private HarnessWorld(WachtWorld world, ServiceProvider provider, ITestHarness harness, CapturedLogs logs, bool ownsWorld)
    {
        _ownsWorld = ownsWorld;
        World = world;
        _provider = provider;
        Harness = harness;
        Logs = logs;
    }

    public WachtWorld World { get; }

    public ITestHarness Harness { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => _provider;

    /// <param name="destination">A destination of the test's own that every client is routed to (<see cref="DestinationDoubles"/>).</param>
    public static async Task<HarnessWorld> StartAsync(
        Action<Dictionary<string, string?>>? configure = null,
        Action<IServiceCollection>? services = null,
        ISecretDestination? destination = null)
    {
        var world = await WachtWorld.StartAsync();
        var settings = world.WorkerSettings();
        configure?.Invoke(settings);
        return await StartAsync(world, settings, services, destination, ownsWorld: true);
    }

    /// <summary>A second worker on an existing world (same emulator, ledger file and secrets), e.g. after a restart.</summary>
    public static Task<HarnessWorld> StartAsync(
        WachtWorld world, Dictionary<string, string?> settings, Action<IServiceCollection>? services = null, ISecretDestination? destination = null) =>
        StartAsync(world, settings, services, destination, ownsWorld: false);

    private static async Task<HarnessWorld> StartAsync(
        WachtWorld world, Dictionary<string, string?> settings, Action<IServiceCollection>? services, ISecretDestination? destination, bool ownsWorld)
    {
        if (destination is not null)
        {
            settings = new Dictionary<string, string?>(settings);
            DestinationDoubles.Route(settings, destination.Name);
        }

        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        var logs = new CapturedLogs();
        collection.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        collection.AddWachtCommandExecution();
        if (destination is not null)
        {
            DestinationDoubles.Register(collection, destination);
        }

        services?.Invoke(collection);
        collection.AddMassTransitTestHarness(MessagingServiceCollectionExtensions.AddWachtConsumers);

        var provider = collection.BuildServiceProvider(validateScopes: true);
        // The harness starts the bus but not the host's lifecycle hooks, so the ledger's schema is created here.
        await provider.GetRequiredService<ICommandLedger>().InitializeAsync(CancellationToken.None);
        var harness = provider.GetRequiredService<ITestHarness>();
        harness.TestTimeout = TimeSpan.FromSeconds(30);
        harness.TestInactivityTimeout = TimeSpan.FromSeconds(1);
        await harness.Start();
        return new HarnessWorld(world, provider, harness, logs, ownsWorld);
    }

    /// <summary>Publishes a command and waits for the terminal event of that command id (success or failure).</summary>
    /// <remarks>
    /// The harness lists a published message once per message id, and a replayed outcome keeps its id; pass
    /// <paramref name="expected"/> (the number of distinct terminal events the command will have had) when the
    /// command was executed before.
    /// </remarks>
    public async Task<object> ExecuteAsync<TCommand>(TCommand command, Guid commandId, int expected = 0)
        where TCommand : class
    {
        var count = expected > 0 ? expected : Terminal(commandId).Count + 1;
        await Harness.Bus.Publish(command);
        return await WaitForTerminalAsync(commandId, count);
    }

    /// <summary>Waits until <paramref name="count"/> terminal events of the command have been published; returns the last.</summary>
    public async Task<object> WaitForTerminalAsync(Guid commandId, int count = 1)
    {
        using var timeout = new CancellationTokenSource(Harness.TestTimeout);
        while (Terminal(commandId).Count < count)
        {
            try
            {
                await Task.Delay(10, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Terminal event #{count} of command {commandId} did not arrive. Worker logs:\n{Logs.AllText}");
            }
        }

        return Terminal(commandId)[count - 1];
    }

    /// <summary>Every published terminal event of the command, in order.</summary>
    public IReadOnlyList<object> Terminal(Guid commandId) =>
        Harness.Published.Select(_ => true)
            .Select(m => m.MessageObject)
            .Where(m => TerminalCommandId(m) == commandId)
            .ToList();

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
        if (_ownsWorld)
        {
            await World.DisposeAsync();
        }
    }

    private static Guid? TerminalCommandId(object message) => (message as Contracts.ICommandEvent)?.CommandId;
}
