using System.Security.Cryptography;
using Npgsql;
using Wacht.Worker.Ledger;
using Wacht.Worker.Ledger.Sql;

namespace Wacht.Worker.IntegrationTests.Ledger.Sql;

public sealed class PostgresLedgerInitializationTests
{
    [Fact]
    public async Task Initialize_FromSeveralInstancesAtOnceOnAFreshDatabase_AllSucceed()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var protector = new SecretProtector(RandomNumberGenerator.GetBytes(32));
        var ledgers = Enumerable.Range(0, 4)
            .Select(_ => SqlLedger.ForPostgres(database.CreateDataSource(), protector, TimeProvider.System, TimeSpan.FromSeconds(30)))
            .ToList();

        await Task.WhenAll(ledgers.Select(ledger => ledger.InitializeAsync(CancellationToken.None)));

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var versions = new NpgsqlCommand("SELECT count(*), max(version) FROM schema_version;", connection);
        await using var reader = await versions.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(ledgers[0].LatestSchemaVersion, reader.GetInt64(0));
        Assert.Equal(ledgers[0].LatestSchemaVersion, reader.GetInt32(1));
    }
}
