using System.Text;
using Microsoft.Data.Sqlite;
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
        await Ledger.MarkRotatingAsync(start.CommandId, CancellationToken.None);
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
