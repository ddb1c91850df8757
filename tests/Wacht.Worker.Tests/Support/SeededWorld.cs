using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Wacht.Client;
using Wacht.Emulator;
using Wacht.Worker.Ledger;
using Wacht.Worker.Messaging;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Support;

/// <summary>
/// For the scheduled jobs' tests: an emulator started from a seed (the demo seed, or a generated one) with every
/// deployment of it configured, the worker's command pipeline on the MassTransit test harness (real SQLite ledger,
/// which is also the job ledger; file destination; optionally the real consumers, so sent commands execute), and a
/// <see cref="FakeTimeProvider"/> for the job's "now". Only the job's clock is fake (<see cref="Create{T}"/>): the Wacht
/// client's timeouts and retry delays and the command pipeline keep real time.
/// </summary>
public class SeededWorld : IAsyncDisposable
{
    /// <summary>The instant the jobs' clocks start at: the demo seed's dates are fixed around it.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The demo seed's deployments and their API keys.</summary>
    public const string Production = "7283910238470100001";
    public const string Staging = "7283910238470200002";

    /// <summary>A configured deployment whose base URL is a closed loopback port (with <c>unreachable: true</c>).</summary>
    public const string Unreachable = "5550001112223";

    /// <summary>The unreachable deployment's API key: a test checks it shows up in no log or error.</summary>
    public const string UnreachableKey = "wk_test_unreachable_5f1e";

    private readonly ServiceProvider _provider;

    protected SeededWorld(SeededWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        (Emulator, Seed, DataDirectory, _provider, Harness, Logs) = (world.Emulator, world.Seed, world.DataDirectory, world._provider, world.Harness, world.Logs);
    }

    private SeededWorld(WachtEmulator emulator, EmulatorSeed seed, string dataDirectory, ServiceProvider provider, CapturedLogs logs)
    {
        (Emulator, Seed, DataDirectory, _provider, Logs) = (emulator, seed, dataDirectory, provider, logs);
        Harness = provider.GetRequiredService<ITestHarness>();
    }

    public WachtEmulator Emulator { get; }

    /// <summary>The seed the emulator started from.</summary>
    public EmulatorSeed Seed { get; }

    public string DataDirectory { get; }

    public string SecretsDirectory => Path.Combine(DataDirectory, "secrets");

    public ITestHarness Harness { get; }

    public CapturedLogs Logs { get; }

    /// <summary>The jobs' clock, at <see cref="Now"/> unless a test moves it.</summary>
    public FakeTimeProvider Clock { get; } = new(Now);

    /// <summary>The real SQLite ledger, as the jobs see it.</summary>
    public IJobLedger JobLedger => _provider.GetRequiredService<IJobLedger>();

    public IServiceProvider Services => _provider;

    public static EmulatorSeed DemoSeed() => SeedFile.Load(DemoSeedPath());

    /// <param name="consumers">Register the worker's consumers (sent commands are executed); without them they stay queued.</param>
    /// <param name="unreachable">Also configure <see cref="Unreachable"/>, pointing at a closed port.</param>
    /// <param name="configure">Further settings (e.g. <c>Worker:GrantAudit:*</c>).</param>
    public static async Task<SeededWorld> StartAsync(
        EmulatorSeed seed,
        bool consumers = true,
        bool unreachable = false,
        Action<Dictionary<string, string?>>? configure = null,
        int maxConcurrentRequests = 8,
        LogLevel minimumLogLevel = LogLevel.Debug)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var emulator = await WachtEmulator.StartAsync(new EmulatorOptions { Seed = seed, FaultRandomSeed = 11 });
        var dataDirectory = Directory.CreateTempSubdirectory("wacht-jobs-test-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Worker:Ledger:Provider"] = "Sqlite",
            ["Worker:Ledger:SqlitePath"] = Path.Combine(dataDirectory, "ledger.db"),
            ["Worker:Ledger:EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Worker:Secrets:Destination"] = "File",
            ["Worker:Secrets:File:Directory"] = Path.Combine(dataDirectory, "secrets"),
            ["Worker:Messaging:Retry:Limit"] = "1",
            ["Worker:Messaging:Retry:MinInterval"] = "00:00:00.020",
            ["Worker:Messaging:Retry:MaxInterval"] = "00:00:00.050",
            ["Worker:Messaging:Retry:IntervalDelta"] = "00:00:00.020",
        };
        foreach (var deployment in seed.Deployments)
        {
            Deployment(settings, deployment.Id!, emulator.BaseAddress, deployment.ApiKey ?? SeedGeneratorOptions.DefaultApiKey(deployment.Id!), maxConcurrentRequests);
        }

        if (unreachable)
        {
            Deployment(settings, Unreachable, new Uri($"http://127.0.0.1:{ClosedPort()}/"), UnreachableKey, maxConcurrentRequests);
        }

        configure?.Invoke(settings);

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        var logs = new CapturedLogs();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(minimumLogLevel));
        services.AddWachtCommandExecution();
        services.AddMassTransitTestHarness(consumers ? MessagingServiceCollectionExtensions.AddWachtConsumers : static _ => { });
        var provider = services.BuildServiceProvider(validateScopes: true);
        await provider.GetRequiredService<ICommandLedger>().InitializeAsync(CancellationToken.None);
        var harness = provider.GetRequiredService<ITestHarness>();
        harness.TestTimeout = TimeSpan.FromSeconds(30);
        harness.TestInactivityTimeout = TimeSpan.FromSeconds(1);
        await harness.Start();
        return new SeededWorld(emulator, seed, dataDirectory, provider, logs);
    }

    /// <summary>Settings of one deployment of the worker's Wacht client (short timeouts and retries).</summary>
    public static void Deployment(Dictionary<string, string?> settings, string id, Uri baseAddress, string apiKey, int maxConcurrentRequests = 8)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings[$"Wacht:Deployments:{id}:BaseUrl"] = baseAddress.ToString();
        settings[$"Wacht:Deployments:{id}:ApiKey"] = apiKey;
        settings[$"Wacht:Deployments:{id}:PathStyle"] = "Backend";
        settings[$"Wacht:Deployments:{id}:RuntimeBaseUrl"] = baseAddress.ToString();
        settings[$"Wacht:Deployments:{id}:RequestTimeout"] = "00:00:05";
        settings[$"Wacht:Deployments:{id}:MaxRetries"] = "1";
        settings[$"Wacht:Deployments:{id}:RetryBaseDelay"] = "00:00:00.020";
        settings[$"Wacht:Deployments:{id}:MaxRetryAfter"] = "00:00:01";
        settings[$"Wacht:Deployments:{id}:MaxConcurrentRequests"] = maxConcurrentRequests.ToString(CultureInfo.InvariantCulture);
        settings[$"Wacht:Deployments:{id}:CircuitBreaker:MinimumThroughput"] = "100000";
    }

    /// <summary>A job service built from the worker's registrations but with <see cref="Clock"/> as its time.</summary>
    public T Create<T>() => ActivatorUtilities.CreateInstance<T>(_provider, (TimeProvider)Clock);

    /// <summary>A client on the emulator for checking state (the worker's own factory, same settings).</summary>
    public IWachtClient Wacht(string deploymentId) => _provider.GetRequiredService<IWachtClientFactory>().GetClient(deploymentId);

    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore();
        GC.SuppressFinalize(this);
    }

    protected virtual async ValueTask DisposeAsyncCore()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
        await Emulator.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a host being torn down; the OS cleans the temp directory.
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string DemoSeedPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "deploy", "emulator", "demo-seed.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("deploy/emulator/demo-seed.json not found above " + AppContext.BaseDirectory);
    }
}
