using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Wacht.Worker.Ledger.Sql;

namespace Wacht.Worker.Ledger;

/// <summary>
/// Creates or migrates the ledger's schema at start-up. It runs in <see cref="IHostedLifecycleService.StartingAsync"/>,
/// which the host calls for every lifecycle service before any hosted service's <c>StartAsync</c> — so the ledger is
/// ready before the MassTransit bus (a plain hosted service) starts consuming, whatever the registration order. Register
/// <c>AddWachtLedger</c> before <c>AddMassTransit</c> anyway, so that order holds for plain hosted services too.
/// </summary>
internal sealed class LedgerInitializer : IHostedLifecycleService
{
    private readonly ICommandLedger _ledger;
    private readonly SecretProtector _protector;
    private readonly IOptions<LedgerOptions> _options;
    private readonly ILogger<LedgerInitializer> _logger;

    public LedgerInitializer(ICommandLedger ledger, SecretProtector protector, IOptions<LedgerOptions> options, ILogger<LedgerInitializer> logger)
    {
        _ledger = ledger;
        _protector = protector;
        _options = options;
        _logger = logger;
    }

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await _ledger.InitializeAsync(cancellationToken);
        var options = _options.Value;
        LedgerLog.LedgerReady(
            _logger,
            options.Provider,
            Describe(_ledger, options),
            (_ledger as SqlLedger)?.LatestSchemaVersion ?? 0,
            _protector.IsAvailable ? "on" : "off (no key; rotation disabled)");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Where the ledger lives, without credentials: the SQLite path or PostgreSQL host, port, database and user.</summary>
    internal static string Describe(ICommandLedger ledger, LedgerOptions options)
    {
        if (ledger is SqlLedger sql)
        {
            return sql.Location;
        }

        // Another ledger (registered by the host instead of ours): name what the options point at.
        if (options.Provider == LedgerProvider.Sqlite)
        {
            return $"path {Path.GetFullPath(options.SqlitePath)}";
        }

        var builder = new NpgsqlConnectionStringBuilder(LedgerServiceCollectionExtensions.ResolveConnectionString(options));
        return $"host {builder.Host}:{builder.Port}, database {builder.Database}, user {builder.Username}";
    }
}
