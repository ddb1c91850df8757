using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Wacht.Worker.Ledger;
using Wacht.Worker.Ledger.Sql;

namespace Wacht.Worker.Tests.Ledger.Sql;

/// <summary>The shared ledger behaviour against a temporary SQLite file, plus what is specific to SQLite.</summary>
public sealed class SqliteLedgerTests : LedgerBehaviourTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wacht-ledger-" + Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_directory, "nested", "ledger.db");

    protected override Task CreateStoreAsync() => Task.CompletedTask;

    protected override Task DeleteStoreAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    protected override ICommandLedger OpenLedger(SecretProtector protector, TimeProvider timeProvider) =>
        SqlLedger.ForSqlite(DatabasePath, protector, timeProvider, TimeSpan.FromSeconds(5));

    protected override async Task<byte[]?> ReadRawPendingSecretAsync(Guid commandId)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pending_secret FROM commands WHERE command_id = $id;";
        command.Parameters.AddWithValue("$id", commandId.ToString("D"));
        return await command.ExecuteScalarAsync() as byte[];
    }

    [Fact]
    public async Task Initialize_CreatesTheDirectoryAndUsesWalAtTheLatestSchemaVersion()
    {
        Assert.True(File.Exists(DatabasePath));
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
        command.CommandText = "SELECT MAX(version) FROM schema_version;";
        Assert.Equal((long)((SqlLedger)Ledger).LatestSchemaVersion, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task StorePendingSecret_LeavesNoCleartextInTheDatabaseFiles()
    {
        await StorePendingAsync();

        var files = Directory.GetFiles(Path.GetDirectoryName(DatabasePath)!);

        Assert.Contains(DatabasePath, files);
        foreach (var file in files)
        {
            var bytes = await ReadSharedAsync(file);
            Assert.DoesNotContain(SecretText, Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Initialize_OnADatabaseFromANewerWorker_RefusesToStart()
    {
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES (99, '2030-01-01T00:00:00.0000000Z');";
            await command.ExecuteNonQueryAsync();
        }

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Ledger.InitializeAsync(CancellationToken.None));

        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoredState_IsLowerCaseText()
    {
        var start = await StorePendingAsync();
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT state, pending_issued_at FROM commands WHERE command_id = $id;";
        command.Parameters.AddWithValue("$id", start.CommandId.ToString("D"));
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("pendingdelivery", reader.GetString(0));
        Assert.Equal("2026-03-04T05:06:08.0000000Z", reader.GetString(1));
    }

    [Fact]
    public async Task MarkRotating_StoresTheIntentTimeAsRoundTripText()
    {
        var start = await BeginRotationAsync();
        Time.Advance(TimeSpan.FromSeconds(3));
        await Ledger.MarkRotatingAsync(start.CommandId, null, CancellationToken.None);
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT rotating_at FROM commands WHERE command_id = $id;";
        command.Parameters.AddWithValue("$id", start.CommandId.ToString("D"));

        Assert.Equal("2026-03-04T05:06:10.0000000Z", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task PublishedFinding_RepublishedKeepsItsFirstPublicationTime_AsRoundTripText()
    {
        await Jobs.RecordPublishedFindingsAsync([Finding("grant-1")], CancellationToken.None);
        await Jobs.RecordPublishedFindingsAsync(
            [Finding("grant-1") with { DetailHash = "sha256:new", LastPublishedAt = Start.AddDays(1) }], CancellationToken.None);
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT first_published_at, last_published_at, detail_hash FROM audit_findings;";
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.Equal("2026-03-04T05:06:07.0000000Z", reader.GetString(0));
        Assert.Equal("2026-03-05T05:06:07.0000000Z", reader.GetString(1));
        Assert.Equal("sha256:new", reader.GetString(2));
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task DueWarning_StoresTheDayAsIsoDateText()
    {
        await Jobs.TryRecordDueWarningAsync("7283910238471", "client-42", new DateOnly(2026, 12, 31), CancellationToken.None);
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT warned_on, warned_at FROM rotation_due_warnings;";
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.Equal("2026-12-31", reader.GetString(0));
        Assert.Equal("2026-03-04T05:06:07.0000000Z", reader.GetString(1));
    }

    [Fact]
    public async Task DatabaseMadeByTheSchemaVersion3Worker_OpensMigratesAndWorks()
    {
        var path = Path.Combine(_directory, "made-by-v3.db");
        await using (var load = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await load.OpenAsync();
            await using var script = load.CreateCommand();
            script.CommandText = await ReadFixtureAsync("ledger-schema-v3.sql");
            await script.ExecuteNonQueryAsync();
        }

        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        var key = Enumerable.Range(1, 32).Select(static i => (byte)i).ToArray();
        var ledger = SqlLedger.ForSqlite(path, new SecretProtector(key), time, TimeSpan.FromSeconds(5));
        var jobs = (IJobLedger)ledger;
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        static Guid Id(int n) => Guid.Parse($"{n:D8}-abcd-4ef0-9abc-def012345678", System.Globalization.CultureInfo.InvariantCulture);

        await ledger.InitializeAsync(CancellationToken.None);

        // Every row reads back as the old worker wrote it.
        var received = await ledger.FindAsync(Id(1), CancellationToken.None);
        Assert.Equal(
            new CommandRecord(Id(1), "rotate-secret", "7283910238471", "billing", "client-a", CommandState.Received, 0, at, at, null),
            received);
        Assert.Null(await ledger.FindRotateInFlightUntilAsync("7283910238471", "client-a", CancellationToken.None));
        var pending = await ledger.ReadPendingSecretAsync(Id(3), CancellationToken.None);
        Assert.Equal(("oc_pending", "oc_secret_pending_fixture_0001", at.AddMinutes(2)), (pending!.ClientId, pending.Secret.Reveal(), pending.IssuedAt));
        Assert.Equal(
            new RotationRecord(Id(4), "7283910238471", "billing", "client-c", "oc_c", at.AddMinutes(3), "schedule", "ops@example.com", "quarterly",
                "file", "7283910238471/billing/oc_c.json", "0123456789ab"),
            await ledger.FindLastRotationAsync("7283910238471", "client-c", CancellationToken.None));
        Assert.Equal(new RecordedOutcome(true, "SecretRotated", """{"n":4}""", false), (await ledger.FindAsync(Id(4), CancellationToken.None))!.Outcome);
        var failed = await ledger.FindAsync(Id(5), CancellationToken.None);
        Assert.Equal(CommandState.Failed, failed!.State);
        Assert.Equal(new RecordedOutcome(false, "SecretRotationFailed", """{"n":5}""", true), failed.Outcome);
        var sync = await ledger.FindAsync(Id(6), CancellationToken.None);
        Assert.Equal(("sync-scopes", null, CommandState.Succeeded), (sync!.Kind, sync.TargetId, sync.State));
        Assert.Equal(
            [new JobRunRecord(Id(100), JobNames.GrantAudit, "schedule", false, at.AddMinutes(5), at.AddMinutes(5).AddSeconds(1), at.AddMinutes(5).AddSeconds(42),
                "worker-a", true, """{"clients":3}""")],
            await jobs.ListJobRunsAsync(JobNames.GrantAudit, 10, CancellationToken.None));
        Assert.Equal(
            [new JobRunRecord(Id(101), JobNames.RotationSweep, "manual", true, null, at.AddMinutes(6), at.AddMinutes(7), "worker-b", false, """{"errors":1}""")],
            await jobs.ListJobRunsAsync(JobNames.RotationSweep, 10, CancellationToken.None));
        Assert.Equal(
            [
                new PublishedFinding("7283910238471", "client-f", "grant-1", "stale-grant", "sha256:1", at.AddMinutes(5)),
                new PublishedFinding("7283910238471", "client-f", "grant-2", "archived-scopes", "sha256:2", at.AddMinutes(5)),
            ],
            await jobs.ListPublishedFindingsAsync("7283910238471", "client-f", CancellationToken.None));
        Assert.False(await jobs.TryRecordDueWarningAsync("7283910238471", "client-e", new DateOnly(2026, 1, 2), CancellationToken.None));
        Assert.True(await jobs.TryRecordDueWarningAsync("7283910238471", "client-e", new DateOnly(2026, 1, 3), CancellationToken.None));

        // And the old commands go on with the new worker.
        Assert.Equal(CommandState.PendingDelivery, (await ledger.ReopenAsync(Id(5), CancellationToken.None)).State);
        Assert.Equal("oc_secret_failed_fixture_0005", (await ledger.ReadPendingSecretAsync(Id(5), CancellationToken.None))!.Secret.Reveal());
        await ledger.MarkRotatingAsync(Id(1), time.GetUtcNow().AddMinutes(2), CancellationToken.None);
        Assert.Equal(time.GetUtcNow().AddMinutes(2), await ledger.FindRotateInFlightUntilAsync("7283910238471", "client-a", CancellationToken.None));
        await ledger.StorePendingSecretAsync(Id(1), Pending(), CancellationToken.None);
        var rotation = new RotationRecord(Id(1), "7283910238471", "billing", "client-a", "oc_a", time.GetUtcNow(), "schedule", null, null, "file", "key", "0123456789ab");
        await ledger.CompleteRotationAsync(Id(1), rotation, new RecordedOutcome(true, "SecretRotated", "{}", false), CancellationToken.None);
        Assert.Equal([rotation], await ledger.ListRotationsAsync("7283910238471", "client-a", CancellationToken.None));
        Assert.Null(await ledger.FindRotateInFlightUntilAsync("7283910238471", "client-a", CancellationToken.None));
        Assert.Null((await ledger.BeginAsync(Rotation() with { CommandId = Id(2), Fingerprint = "sha256:late" }, CancellationToken.None)).Fingerprint);
        var next = Rotation() with { Fingerprint = "sha256:new", ValidatedUser = "ops@example.com" };
        var recorded = await ledger.BeginAsync(next, CancellationToken.None);
        Assert.Equal(("sha256:new", "ops@example.com"), (recorded.Fingerprint, recorded.ValidatedUser));
        await jobs.ForgetPublishedFindingsAsync("7283910238471", [("grant-1", "stale-grant")], CancellationToken.None);
        Assert.Single(await jobs.ListPublishedFindingsAsync("7283910238471", "client-f", CancellationToken.None));
    }

    [Fact]
    public async Task Connections_AreSetUpOncePerPhysicalConnection_WithFullSyncAndTheBusyTimeout()
    {
        var dialect = ((SqlLedger)Ledger).Dialect;
        SqliteConnection.ClearAllPools();

        await using (var first = await dialect.OpenAsync(CancellationToken.None))
        {
            Assert.Equal(2L, await first.ExecuteScalarAsync<long>("PRAGMA synchronous;")); // FULL
            Assert.Equal(5000L, await first.ExecuteScalarAsync<long>("PRAGMA busy_timeout;"));
            // Changed behind the ledger's back: it stays so only if the pooled connection is not set up again.
            await first.ExecuteAsync("PRAGMA busy_timeout=1234;");
        }

        await using (var pooled = await dialect.OpenAsync(CancellationToken.None))
        {
            Assert.Equal(1234L, await pooled.ExecuteScalarAsync<long>("PRAGMA busy_timeout;"));
        }

        SqliteConnection.ClearAllPools();
        await using var fresh = await dialect.OpenAsync(CancellationToken.None);
        Assert.Equal(5000L, await fresh.ExecuteScalarAsync<long>("PRAGMA busy_timeout;"));
        Assert.Equal(2L, await fresh.ExecuteScalarAsync<long>("PRAGMA synchronous;"));
    }

    [Fact]
    public async Task ADurableWrite_RunsWithFullSync_AfterAnotherDialectOverTheSameFileWroteRelaxed()
    {
        // Two dialects over one file share the connection pool but not what each knows of a connection's settings.
        var first = (SqliteDialect)((SqlLedger)Ledger).Dialect;
        var second = new SqliteDialect(first.DatabasePath, first.CommandTimeout);
        SqliteConnection.ClearAllPools();

        foreach (var (dialect, durability, expected) in new[]
        {
            (first, LedgerDurability.Durable, 2L), (second, LedgerDurability.Relaxed, 1L), (first, LedgerDurability.Durable, 2L),
        })
        {
            await using var writer = await dialect.OpenWriterAsync(durability, CancellationToken.None);
            Assert.Equal(expected, await writer.Connection.ExecuteScalarAsync<long>("PRAGMA synchronous;"));
        }
    }

    [Fact]
    public async Task RelaxedWrites_RunWithNormalSync_AndADurableWriteOnTheSamePooledConnection_WithFullSync()
    {
        var dialect = ((SqlLedger)Ledger).Dialect;
        SqliteConnection.ClearAllPools();

        // One physical connection throughout (the pool hands the same one back): each write sets what it needs.
        foreach (var (durability, expected) in new[]
        {
            (LedgerDurability.Relaxed, 1L), (LedgerDurability.Relaxed, 1L), (LedgerDurability.Durable, 2L),
            (LedgerDurability.Durable, 2L), (LedgerDurability.Relaxed, 1L), (LedgerDurability.Durable, 2L),
        })
        {
            await using var writer = await dialect.OpenWriterAsync(durability, CancellationToken.None);
            Assert.Equal(expected, await writer.Connection.ExecuteScalarAsync<long>("PRAGMA synchronous;")); // 1 NORMAL, 2 FULL
        }

        // What a relaxed write records is there like any other write.
        var start = Rotation();
        await Ledger.BeginAsync(start, CancellationToken.None);
        Assert.NotNull(await Ledger.FindAsync(start.CommandId, CancellationToken.None));
    }

    [Fact]
    public async Task Write_WhileAnotherProcessHoldsTheWriteLock_WaitsForItInsteadOfFailing()
    {
        await using var other = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await other.OpenAsync();
        using var hold = other.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: the database's one write lock
        var start = Rotation();

        // Task.Run: Microsoft.Data.Sqlite waits for the lock on the calling thread.
        var begin = Task.Run(() => Ledger.BeginAsync(start, CancellationToken.None));
        await Task.Delay(300);
        Assert.False(begin.IsCompleted);
        hold.Rollback();

        Assert.Equal(CommandState.Received, (await begin).State);
    }

    [Fact]
    public async Task Write_WhileAnotherProcessHoldsTheWriteLockPastTheTimeout_FailsAsBusy()
    {
        var ledger = SqlLedger.ForSqlite(DatabasePath, Protector, Time, TimeSpan.FromSeconds(1));
        await using var other = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await other.OpenAsync();
        using var hold = other.BeginTransaction(deferred: false);

        var ex = await Assert.ThrowsAsync<SqliteException>(() => Task.Run(() => ledger.BeginAsync(Rotation(), CancellationToken.None)));

        Assert.Equal(5, ex.SqliteErrorCode); // SQLITE_BUSY
    }

    [Fact]
    public async Task Write_WhileThisWorkersOtherWritesKeepTheDatabasePastTheTimeout_FailsAsBusyNamingTheFile()
    {
        var ledger = SqlLedger.ForSqlite(DatabasePath, Protector, Time, TimeSpan.FromSeconds(1));

        await using (await ledger.Dialect.OpenWriterAsync(CancellationToken.None))
        {
            var ex = await Assert.ThrowsAsync<SqliteException>(() => ledger.BeginAsync(Rotation(), CancellationToken.None));

            Assert.Equal(5, ex.SqliteErrorCode); // SQLITE_BUSY: a DbException, as a busy database has always been
            Assert.Contains(DatabasePath, ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(CommandState.Received, (await ledger.BeginAsync(Rotation(), CancellationToken.None)).State);
    }

    private static async Task<string> ReadFixtureAsync(string name)
    {
        await using var stream = typeof(SqliteLedgerTests).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"No embedded resource {name}.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    /// <summary>The file's bytes; empty when SQLite removed it meanwhile (the WAL file goes when the last connection closes).</summary>
    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return [];
        }

        await using var owned = stream;
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }
}
