using System.Security.Cryptography;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Wacht.Client;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.Grants;
using Wacht.Worker.Ledger;
using Wacht.Worker.Messaging;
using Wacht.Worker.Tests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Grants;

/// <summary>
/// The grant audit against an emulator started from a given seed (the demo seed, or a generated one), with the worker's
/// real consumers on the MassTransit test harness (so audit revocations really execute), the real SQLite command ledger,
/// an <see cref="InMemoryJobLedger"/>, and a <see cref="FakeTimeProvider"/> for the audit's "now". The Wacht client and
/// the command pipeline keep the system clock (their retry delays must elapse).
/// </summary>
public sealed class AuditWorld : IAsyncDisposable
{
    /// <summary>The instant every audit test runs at: the demo seed's dates are fixed around it.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public const string Production = "7283910238470100001";
    public const string Staging = "7283910238470200002";

    private readonly ServiceProvider _provider;
    private readonly string _dataDirectory;

    private AuditWorld(WachtEmulator emulator, ServiceProvider provider, string dataDirectory, CapturedLogs logs)
    {
        Emulator = emulator;
        _provider = provider;
        _dataDirectory = dataDirectory;
        Logs = logs;
        Harness = provider.GetRequiredService<ITestHarness>();
        Ledger = (InMemoryJobLedger)provider.GetRequiredService<IJobLedger>();
        Audit = ActivatorUtilities.CreateInstance<GrantAudit>(provider, Clock);
    }

    public WachtEmulator Emulator { get; }

    public ITestHarness Harness { get; }

    public InMemoryJobLedger Ledger { get; }

    public CapturedLogs Logs { get; }

    public FakeTimeProvider Clock { get; } = new(Now);

    public GrantAudit Audit { get; }

    public IServiceProvider Services => _provider;

    public static EmulatorSeed DemoSeed()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "deploy", "emulator", "demo-seed.json");
            if (File.Exists(path))
            {
                return SeedFile.Load(path);
            }
        }

        throw new FileNotFoundException("deploy/emulator/demo-seed.json not found above the test's base directory.");
    }

    /// <summary>Starts the emulator from <paramref name="seed"/> and a worker configured for every deployment of it.</summary>
    public static async Task<AuditWorld> StartAsync(
        EmulatorSeed seed,
        Action<Dictionary<string, string?>>? configure = null,
        int maxConcurrentRequests = 8,
        LogLevel minimumLogLevel = LogLevel.Debug)
    {
        var emulator = await WachtEmulator.StartAsync(new EmulatorOptions { Seed = seed, FaultRandomSeed = 11 });
        var dataDirectory = Directory.CreateTempSubdirectory("wacht-audit-test-").FullName;
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

        configure?.Invoke(settings);

        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        var logs = new CapturedLogs();
        collection.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(minimumLogLevel));
        collection.AddWachtCommandExecution();
        // The real ledgers implement IJobLedger on another branch; until then (and for counting calls) the fake.
        collection.AddSingleton<IJobLedger, InMemoryJobLedger>();
        collection.AddMassTransitTestHarness(MessagingServiceCollectionExtensions.AddWachtConsumers);
        var provider = collection.BuildServiceProvider(validateScopes: true);
        await provider.GetRequiredService<ICommandLedger>().InitializeAsync(CancellationToken.None);
        var harness = provider.GetRequiredService<ITestHarness>();
        harness.TestTimeout = TimeSpan.FromSeconds(30);
        harness.TestInactivityTimeout = TimeSpan.FromSeconds(1);
        await harness.Start();
        return new AuditWorld(emulator, provider, dataDirectory, logs);
    }

    /// <summary>Settings of one deployment of the worker's Wacht client (short timeouts and retries).</summary>
    public static void Deployment(Dictionary<string, string?> settings, string id, Uri baseAddress, string apiKey, int maxConcurrentRequests = 8)
    {
        settings[$"Wacht:Deployments:{id}:BaseUrl"] = baseAddress.ToString();
        settings[$"Wacht:Deployments:{id}:ApiKey"] = apiKey;
        settings[$"Wacht:Deployments:{id}:PathStyle"] = "Backend";
        settings[$"Wacht:Deployments:{id}:RequestTimeout"] = "00:00:05";
        settings[$"Wacht:Deployments:{id}:MaxRetries"] = "1";
        settings[$"Wacht:Deployments:{id}:RetryBaseDelay"] = "00:00:00.020";
        settings[$"Wacht:Deployments:{id}:MaxRetryAfter"] = "00:00:01";
        settings[$"Wacht:Deployments:{id}:MaxConcurrentRequests"] = maxConcurrentRequests.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings[$"Wacht:Deployments:{id}:CircuitBreaker:MinimumThroughput"] = "100000";
    }

    /// <summary>A client on the emulator for checking state (the worker's own factory, same settings).</summary>
    public IWachtClient Wacht(string deploymentId) => _provider.GetRequiredService<IWachtClientFactory>().GetClient(deploymentId);

    /// <summary>The findings the harness saw published (the harness lists each message id once).</summary>
    public IReadOnlyList<GrantAuditFinding> PublishedFindings() =>
        [.. Harness.Published.Select(static _ => true).Select(static m => m.MessageObject).OfType<GrantAuditFinding>()];

    /// <summary>The RevokeGrant commands the harness saw sent.</summary>
    public IReadOnlyList<RevokeGrant> SentRevocations() =>
        [.. Harness.Sent.Select(static _ => true).Select(static m => m.MessageObject).OfType<RevokeGrant>()];

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
        await Emulator.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open; the OS cleans the temp directory.
        }
    }
}
