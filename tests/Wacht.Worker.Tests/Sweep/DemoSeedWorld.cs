using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Wacht.Emulator;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;
using Wacht.Worker.Messaging;
using Wacht.Worker.Rotation;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Sweep;

/// <summary>
/// The emulator loaded with deploy/emulator/demo-seed.json (two deployments, fixed dates), the worker's command pipeline
/// on the MassTransit test harness (real SQLite ledger, also serving as the
/// <see cref="IJobLedger"/>; file destination; optionally the real consumers), and a <see cref="RotationSweep"/> whose clock is a <see cref="FakeTimeProvider"/>. Only the
/// sweep's clock is fake: the Wacht client's timeouts and retry delays and the ledger keep real time.
/// </summary>
public sealed class DemoSeedWorld : IAsyncDisposable
{
    public const string Production = "7283910238470100001";
    public const string Staging = "7283910238470200002";
    public const string ProductionKey = "wk_demo_acme_production_7f3c1e9a";
    public const string StagingKey = "wk_demo_acme_staging_2b8d4f60";

    /// <summary>A configured deployment whose base URL is a closed loopback port.</summary>
    public const string Unreachable = "5550001112223";

    /// <summary>The instant the tests pin the sweep's clock to (the seed's dates are fixed).</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _provider;

    private DemoSeedWorld(WachtEmulator emulator, string dataDirectory, ServiceProvider provider, ITestHarness harness, CapturedLogs logs, FakeTimeProvider clock)
    {
        Emulator = emulator;
        DataDirectory = dataDirectory;
        _provider = provider;
        Harness = harness;
        Logs = logs;
        Clock = clock;
        JobLedger = provider.GetRequiredService<IJobLedger>();
        Sweep = ActivatorUtilities.CreateInstance<RotationSweep>(provider, (TimeProvider)clock);
    }

    public WachtEmulator Emulator { get; }

    public string DataDirectory { get; }

    public string SecretsDirectory => Path.Combine(DataDirectory, "secrets");

    public ITestHarness Harness { get; }

    public CapturedLogs Logs { get; }

    /// <summary>The sweep's clock, at <see cref="Now"/> unless a test moves it.</summary>
    public FakeTimeProvider Clock { get; }

    public IJobLedger JobLedger { get; }

    public RotationSweep Sweep { get; }

    public IServiceProvider Services => _provider;

    /// <param name="consumers">Register the worker's consumers (the sent RotateSecret commands are executed); without them the commands stay queued.</param>
    /// <param name="unreachable">Also configure <see cref="Unreachable"/>, pointing at a closed port.</param>
    /// <param name="configure">Further settings (e.g. <c>Worker:RotationSweep:*</c>).</param>
    public static async Task<DemoSeedWorld> StartAsync(bool consumers = true, bool unreachable = false, Action<Dictionary<string, string?>>? configure = null)
    {
        var emulator = await WachtEmulator.StartAsync(new EmulatorOptions { SeedPath = FindDemoSeed() });
        var dataDirectory = Directory.CreateTempSubdirectory("wacht-sweep-test-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Worker:Ledger:Provider"] = "Sqlite",
            ["Worker:Ledger:SqlitePath"] = Path.Combine(dataDirectory, "ledger.db"),
            ["Worker:Ledger:EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Worker:Secrets:Destination"] = "File",
            ["Worker:Secrets:File:Directory"] = Path.Combine(dataDirectory, "secrets"),
            ["Worker:Messaging:Retry:Limit"] = "3",
            ["Worker:Messaging:Retry:MinInterval"] = "00:00:00.020",
            ["Worker:Messaging:Retry:MaxInterval"] = "00:00:00.200",
            ["Worker:Messaging:Retry:IntervalDelta"] = "00:00:00.020",
        };
        AddDeployment(settings, Production, emulator.BaseAddress, ProductionKey);
        AddDeployment(settings, Staging, emulator.BaseAddress, StagingKey);
        if (unreachable)
        {
            AddDeployment(settings, Unreachable, new Uri($"http://127.0.0.1:{ClosedPort()}/"), "wk_unreachable");
        }

        configure?.Invoke(settings);

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        var logs = new CapturedLogs();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddWachtCommandExecution();
        services.AddMassTransitTestHarness(consumers ? MessagingServiceCollectionExtensions.AddWachtConsumers : static _ => { });
        var provider = services.BuildServiceProvider(validateScopes: true);
        await provider.GetRequiredService<ICommandLedger>().InitializeAsync(CancellationToken.None);
        var harness = provider.GetRequiredService<ITestHarness>();
        harness.TestTimeout = TimeSpan.FromSeconds(30);
        harness.TestInactivityTimeout = TimeSpan.FromSeconds(1);
        await harness.Start();
        return new DemoSeedWorld(emulator, dataDirectory, provider, harness, logs, new FakeTimeProvider(Now));
    }

    /// <summary>Runs a sweep as the scheduler would (trigger <c>schedule</c>), collecting the decisions.</summary>
    public Task<SweepReport> RunAsync(DateTimeOffset? scheduledFireAt = null, bool? dryRun = null) =>
        Sweep.RunAsync(
            new JobRunRequest(Contracts.JobTriggers.Schedule, dryRun, scheduledFireAt ?? Clock.GetUtcNow(), "test-instance", CollectItems: true),
            CancellationToken.None);

    /// <summary>The RotateSecret commands sent to the rotate-secret queue so far, in order.</summary>
    public IReadOnlyList<Contracts.RotateSecret> SentRotations() =>
        [.. Harness.Sent.Select<Contracts.RotateSecret>().Select(static m => m.Context.Message)];

    /// <summary>The secret the file destination holds for a client (read straight from the file), or null.</summary>
    public string? SecretAtDestination(string deploymentId, string appSlug, string clientId)
    {
        var path = Path.Combine(SecretsDirectory, deploymentId, appSlug, clientId + ".json");
        if (!File.Exists(path))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("client_secret").GetString();
    }

    /// <summary>Waits until the harness has published a SecretRotated for each command id; throws on a failure event.</summary>
    public async Task WaitForRotationsAsync(IReadOnlyCollection<Guid> commandIds)
    {
        using var timeout = new CancellationTokenSource(Harness.TestTimeout);
        while (true)
        {
            var failed = Harness.Published.Select<Contracts.SecretRotationFailed>()
                .Select(static m => m.Context.Message)
                .FirstOrDefault(m => commandIds.Contains(m.CommandId));
            if (failed is not null)
            {
                throw new InvalidOperationException($"Rotation {failed.CommandId} failed: {failed.ErrorCode} {failed.Message}\n{Logs.AllText}");
            }

            var done = Harness.Published.Select<Contracts.SecretRotated>().Select(static m => m.Context.Message.CommandId).ToHashSet();
            if (commandIds.All(done.Contains))
            {
                return;
            }

            try
            {
                await Task.Delay(10, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Not every rotation finished. Worker logs:\n{Logs.AllText}");
            }
        }
    }

    public async ValueTask DisposeAsync()
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
            // A file still open by a host being torn down; the temp directory is cleaned up by the OS.
        }
    }

    private static void AddDeployment(Dictionary<string, string?> settings, string deploymentId, Uri baseAddress, string apiKey)
    {
        settings[$"Wacht:Deployments:{deploymentId}:BaseUrl"] = baseAddress.ToString();
        settings[$"Wacht:Deployments:{deploymentId}:ApiKey"] = apiKey;
        settings[$"Wacht:Deployments:{deploymentId}:PathStyle"] = "Backend";
        settings[$"Wacht:Deployments:{deploymentId}:RequestTimeout"] = "00:00:02";
        settings[$"Wacht:Deployments:{deploymentId}:MaxRetries"] = "1";
        settings[$"Wacht:Deployments:{deploymentId}:RetryBaseDelay"] = "00:00:00.020";
        settings[$"Wacht:Deployments:{deploymentId}:MaxRetryAfter"] = "00:00:05";
        settings[$"Wacht:Deployments:{deploymentId}:CircuitBreaker:MinimumThroughput"] = "1000";
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string FindDemoSeed()
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
