using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wacht.Worker.Ledger;
using Wacht.Worker.Ledger.Sql;

namespace Wacht.Worker.Tests.Ledger;

public sealed class LedgerHostingTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wacht-host-" + Guid.NewGuid().ToString("N"));
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task HostStart_InitialisesTheLedgerBeforeOtherHostedServicesStart()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:Ledger:SqlitePath"] = Path.Combine(_directory, "data", "ledger.db"),
            ["Worker:Ledger:EncryptionKey"] = _key,
        });
        builder.Logging.ClearProviders().AddFakeLogging();
        // Registered first on purpose: the ledger must be ready even for a hosted service registered before it.
        builder.Services.AddSingleton<LedgerProbe>();
        builder.Services.AddHostedService(static sp => sp.GetRequiredService<LedgerProbe>());
        builder.Services.AddWachtLedger();
        using var host = builder.Build();

        await host.StartAsync();

        Assert.True(host.Services.GetRequiredService<LedgerProbe>().Succeeded);
        var logs = host.Services.GetFakeLogCollector().GetSnapshot();
        var ready = Assert.Single(logs, static record => record.Id.Name == "LedgerReady");
        Assert.Contains("ledger.db", ready.Message, StringComparison.Ordinal);
        Assert.All(logs, record => Assert.DoesNotContain(_key, record.Message, StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public async Task HostStart_WithRotationEnabledAndNoKey_FailsNamingTheSetting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:Ledger:SqlitePath"] = Path.Combine(_directory, "ledger.db"),
        });
        builder.Services.AddWachtLedger();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Worker:Ledger:EncryptionKey (or EncryptionKeyEnvironmentVariable / EncryptionKeyFile) must be set", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "ledger.db")));
    }

    [Fact]
    public void AddWachtLedger_RegistersTheJobLedgerAsTheSameInstanceAsTheCommandLedger()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:Ledger:SqlitePath"] = Path.Combine(_directory, "ledger.db"),
            ["Worker:Ledger:EncryptionKey"] = _key,
        });
        builder.Services.AddWachtLedger();
        builder.Services.AddWachtLedger();
        using var host = builder.Build();

        var jobs = host.Services.GetRequiredService<IJobLedger>();

        Assert.Same(host.Services.GetRequiredService<ICommandLedger>(), jobs);
        Assert.Equal(LedgerProvider.Sqlite, Assert.IsType<SqlLedger>(jobs).Provider);
        Assert.Single(builder.Services, static d => d.ServiceType == typeof(IJobLedger));
    }

    private sealed class LedgerProbe : IHostedService
    {
        private readonly ICommandLedger _ledger;

        public LedgerProbe(ICommandLedger ledger)
        {
            _ledger = ledger;
        }

        public bool Succeeded { get; private set; }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            // Fails with "no such table" when the schema does not exist yet.
            await _ledger.FindAsync(Guid.NewGuid(), cancellationToken);
            Succeeded = true;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
