using Npgsql;
using Testcontainers.PostgreSql;
using Wacht.Worker.IntegrationTests.Support;

namespace Wacht.Worker.IntegrationTests.Ledger;

/// <summary>
/// A fresh, empty PostgreSQL database for one test (<c>ledger_&lt;guid&gt;</c>), dropped on disposal. The server is a
/// Testcontainers PostgreSQL container when a Docker engine answers (<see cref="ContainerEngine"/>), else the server named by the
/// <c>WACHT_TEST_POSTGRES</c> connection string (e.g. the one <c>bash .ci/services</c> starts).
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "WACHT_TEST_POSTGRES";

    /// <summary>
    /// The image the server container runs: PostgreSQL 15, as docker-compose.yml runs (<c>bash .ci/containers up</c>
    /// builds a local one of this name).
    /// </summary>
    public const string Image = "postgres:15";

    // One resolution per test run; a failure is kept too, so every test reports it at once instead of trying again.
    private static readonly Lazy<Task<string>> Server = new(async () => await StartContainerAsync() ?? FromEnvironment());

    private readonly string _serverConnection;
    private readonly List<NpgsqlDataSource> _dataSources = [];

    private PostgresDatabase(string serverConnection, string name)
    {
        _serverConnection = serverConnection;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnection) { Database = name }.ToString();
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var server = await ServerAsync();
        var name = "ledger_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            // The name is generated above (hex digits only); identifiers cannot be parameters.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\";", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new PostgresDatabase(server, name);
    }

    /// <summary>A new data source on this database, as a separate worker instance would have; disposed with the database.</summary>
    public NpgsqlDataSource CreateDataSource()
    {
        var dataSource = NpgsqlDataSource.Create(ConnectionString);
        _dataSources.Add(dataSource);
        return dataSource;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }

        await using var connection = new NpgsqlConnection(_serverConnection);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE);", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static Task<string> ServerAsync() => Server.Value;

    /// <summary>Starts a container when a Docker engine answers; null when there is none (or it cannot start one).</summary>
    private static async Task<string?> StartContainerAsync()
    {
        var container = await ContainerEngine.TryStartAsync(
            Image,
            pullPolicy => new PostgreSqlBuilder(Image).WithImagePullPolicy(pullPolicy).Build(),
            $"the server named by {EnvironmentVariable}",
            ContainerEngine.Required);
        return container?.GetConnectionString();
    }

    private static string FromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"The PostgreSQL tests need a server: no container started (see the Testcontainers line above, if any) and "
                + $"{EnvironmentVariable} is not set. Run `bash .ci/services` and export the {EnvironmentVariable} it prints "
                + "(e.g. Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres), or `./build.sh test`.");
        }

        return value;
    }
}
