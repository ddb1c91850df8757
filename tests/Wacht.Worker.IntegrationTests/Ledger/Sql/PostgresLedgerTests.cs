using Npgsql;
using Wacht.Worker.Ledger;
using Wacht.Worker.Ledger.Sql;
using Wacht.Worker.Tests.Ledger;

namespace Wacht.Worker.IntegrationTests.Ledger.Sql;

/// <summary>The shared ledger behaviour against a fresh PostgreSQL database per test.</summary>
public sealed class PostgresLedgerTests : LedgerBehaviourTests
{
    private PostgresDatabase? _database;

    private PostgresDatabase Database => _database ?? throw new InvalidOperationException("No database.");

    protected override async Task CreateStoreAsync() => _database = await PostgresDatabase.CreateAsync();

    protected override async Task DeleteStoreAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected override ICommandLedger OpenLedger(SecretProtector protector, TimeProvider timeProvider) =>
        SqlLedger.ForPostgres(Database.CreateDataSource(), protector, timeProvider, TimeSpan.FromSeconds(30));

    protected override async Task<byte[]?> ReadRawPendingSecretAsync(Guid commandId)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pending_secret FROM commands WHERE command_id = @id;", connection);
        command.Parameters.AddWithValue("id", commandId);
        return await command.ExecuteScalarAsync() as byte[];
    }

    [Fact]
    public async Task Begin_SameCommandFromManyInstancesAtOnce_RecordsItOnce()
    {
        var start = Rotation();
        var ledgers = Enumerable.Range(0, 8).Select(_ => OpenLedger(Protector, Time)).ToList();

        var records = await Task.WhenAll(ledgers.Select(ledger => ledger.BeginAsync(start, CancellationToken.None)));

        Assert.All(records, record => Assert.Equal(records[0], record));
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM commands;", connection);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task DueWarning_FromTwoInstancesAtOnce_IsRecordedExactlyOncePerDay()
    {
        var instances = new[] { (IJobLedger)OpenLedger(Protector, Time), (IJobLedger)OpenLedger(Protector, Time) };

        for (var day = 0; day < 5; day++)
        {
            var date = Today.AddDays(day);
            var attempts = Enumerable.Range(0, 40)
                .Select(i => Task.Run(() => instances[i % 2].TryRecordDueWarningAsync("7283910238471", "client-42", date, CancellationToken.None)));

            var results = await Task.WhenAll(attempts);

            Assert.Equal(1, results.Count(static recorded => recorded));
        }
    }

    [Fact]
    public async Task PublishedFindings_OfAFailingBatch_AreNotRecordedAtAll()
    {
        var findings = Enumerable.Range(0, 20).Select(i => Finding($"grant-{i:D2}")).ToList();
        // A NUL byte is valid in a .NET string but rejected by PostgreSQL text: the last upsert of the batch fails.
        findings.Add(Finding("grant-\0"));

        var ex = await Assert.ThrowsAsync<PostgresException>(() => Jobs.RecordPublishedFindingsAsync(findings, CancellationToken.None));

        Assert.Equal(PostgresErrorCodes.CharacterNotInRepertoire, ex.SqlState);
        Assert.Empty(await Jobs.ListPublishedFindingsAsync("7283910238471", "client-42", CancellationToken.None));
    }
}
