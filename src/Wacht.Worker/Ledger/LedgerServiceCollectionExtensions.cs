using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Wacht.Worker.Ledger.Sql;

namespace Wacht.Worker.Ledger;

/// <summary>Registers the command and job ledger.</summary>
public static class LedgerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LedgerOptions"/> (section <c>Worker:Ledger</c>, validated at start), <see cref="SecretProtector"/>,
    /// the <see cref="ICommandLedger"/> (also registered as <see cref="IJobLedger"/>, the same instance) and
    /// <see cref="IClientLock"/> of the configured provider (SQLite: in-process lock; PostgreSQL: advisory lock),
    /// <see cref="TimeProvider.System"/> unless one is registered, and the hosted service that creates the schema at
    /// start-up. Call it before <c>AddMassTransit</c> so the ledger is ready before the bus starts.
    /// Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddWachtLedger(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static d => d.ServiceType == typeof(LedgerMarker)))
        {
            return services;
        }

        services.AddSingleton<LedgerMarker>();
        services.AddOptions<LedgerOptions>()
            .BindConfiguration(LedgerOptions.SectionPath)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LedgerOptions>, LedgerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => SecretProtector.FromOptions(sp.GetRequiredService<IOptions<LedgerOptions>>().Value));
        services.TryAddSingleton(static sp => new LedgerDataSource(sp.GetRequiredService<IOptions<LedgerOptions>>().Value));
        services.TryAddSingleton<ICommandLedger>(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<LedgerOptions>>().Value;
            var protector = sp.GetRequiredService<SecretProtector>();
            var time = sp.GetRequiredService<TimeProvider>();
            return options.Provider == LedgerProvider.PostgreSql
                ? SqlLedger.ForPostgres(sp.GetRequiredService<LedgerDataSource>().DataSource, protector, time, options.CommandTimeout)
                : SqlLedger.ForSqlite(options.SqlitePath, protector, time, options.CommandTimeout);
        });
        // The same instance: both interfaces are one ledger on one database (migrated once at start-up).
        services.TryAddSingleton<IJobLedger>(static sp => (IJobLedger)sp.GetRequiredService<ICommandLedger>());
        services.TryAddSingleton<IClientLock>(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<LedgerOptions>>().Value;
            return options.Provider == LedgerProvider.PostgreSql
                ? new PostgresClientLock(sp.GetRequiredService<LedgerDataSource>().DataSource, sp.GetService<ILogger<PostgresClientLock>>())
                : new InProcessClientLock();
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LedgerInitializer>());
        return services;
    }

    /// <summary>The PostgreSQL connection string from <c>ConnectionString</c> or the environment variable it names.</summary>
    internal static string ResolveConnectionString(LedgerOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return options.ConnectionString;
        }

        var variable = options.ConnectionStringEnvironmentVariable?.Trim();
        var value = string.IsNullOrEmpty(variable) ? null : Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"{LedgerOptions.SectionPath}:ConnectionString (or ConnectionStringEnvironmentVariable) must be set when Provider is PostgreSql.")
            : value;
    }

    private sealed class LedgerMarker;

    /// <summary>The ledger's own PostgreSQL data source (not shared with other features), built on first use.</summary>
    internal sealed class LedgerDataSource : IAsyncDisposable, IDisposable
    {
        private readonly Lazy<NpgsqlDataSource> _dataSource;

        public LedgerDataSource(LedgerOptions options)
        {
            _dataSource = new Lazy<NpgsqlDataSource>(() =>
            {
                var builder = new NpgsqlConnectionStringBuilder(ResolveConnectionString(options))
                {
                    CommandTimeout = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds),
                };
                if (string.IsNullOrEmpty(builder.ApplicationName))
                {
                    builder.ApplicationName = "wacht-worker";
                }

                return NpgsqlDataSource.Create(builder);
            });
        }

        public NpgsqlDataSource DataSource => _dataSource.Value;

        public void Dispose()
        {
            if (_dataSource.IsValueCreated)
            {
                _dataSource.Value.Dispose();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_dataSource.IsValueCreated)
            {
                await _dataSource.Value.DisposeAsync();
            }
        }
    }
}
