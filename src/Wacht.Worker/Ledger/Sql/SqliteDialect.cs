using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Wacht.Worker.Ledger.Sql;

/// <summary>
/// The ledger in a local SQLite file (one worker instance).
/// <list type="bullet">
/// <item>Journal: WAL, so readers never wait for the writer and a commit appends to the log instead of rewriting
/// pages. It is stored in the file, set once at initialisation.</item>
/// <item><c>synchronous=FULL</c>: in WAL mode a commit then fsyncs the log before it returns, so a pending secret is on
/// disk when <c>StorePendingSecretAsync</c> returns. <c>NORMAL</c> would only sync at checkpoints: a power cut could
/// lose the last commits, and with them a secret that Wacht has issued and the old one already invalidated. A
/// <see cref="LedgerDurability.Relaxed"/> write runs with <c>NORMAL</c> (one fsync costs about 8 ms on this project's
/// CI disk, and writers take turns); a durable write sets <c>FULL</c> again on a connection whose last write was relaxed.</item>
/// <item>Writers take turns: SQLite has one writer per database, and writers racing for it spin in SQLite's busy
/// handler (sleeping on a pool thread, up to 100 ms a try), which got slower the more writers there were. Here a
/// writer waits asynchronously for its turn in this process (<see cref="OpenWriterAsync(LedgerDurability, CancellationToken)"/>), bounded by the command
/// timeout; <c>busy_timeout</c> still covers another process writing to the same file (the CLI, say).</item>
/// <item>Per-connection settings (<c>busy_timeout</c>, and <c>synchronous</c> for reads) are applied once per physical
/// connection, not at every open of a pooled one; each write sets the <c>synchronous</c> it needs (<see cref="OpenWriterAsync(LedgerDurability, CancellationToken)"/>).</item>
/// <item>Microsoft.Data.Sqlite's async methods complete synchronously (SQLite has no async I/O); they are used anyway
/// so the code is the same for both databases, and a writer's wait for its turn is the part that is truly async.</item>
/// <item>Ids are lower-case <c>D</c>-format text and timestamps ISO-8601 UTC round-trip text (which sorts
/// chronologically: <c>MAX</c> over it is the latest), as the ledger has always stored them.</item>
/// </list>
/// </summary>
internal sealed class SqliteDialect : LedgerDialect
{
    /// <summary>SQLite's result code for "database is busy".</summary>
    private const int SqliteBusy = 5;

    /// <summary>What a physical connection's <c>synchronous</c> is set to (reads do not care; each write sets what it needs).</summary>
    private static readonly object SynchronousFull = new(), SynchronousNormal = new();

    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private readonly SemaphoreSlim _writerTurn = new(1, 1);

    /// <summary>The physical connections (SQLite handles) that already carry this dialect's settings.</summary>
    private readonly ConditionalWeakTable<sqlite3, object> _configured = [];

    /// <param name="databasePath">The database file; relative paths are resolved against the current directory.</param>
    public SqliteDialect(string databasePath, TimeSpan commandTimeout)
        : base(commandTimeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
        _busyTimeoutMs = (int)Math.Clamp(commandTimeout.TotalMilliseconds, 1, int.MaxValue);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = CommandTimeoutSeconds,
        }.ToString();
    }

    /// <summary>The absolute path of the database file.</summary>
    public string DatabasePath { get; }

    public override LedgerProvider Provider => LedgerProvider.Sqlite;

    public override IReadOnlyList<string> Migrations => SqliteMigrations.All;

    public override string CreateSchemaVersion => SqliteMigrations.CreateSchemaVersion;

    public override string Location => $"path {DatabasePath}";

    public override string? NameInErrors => DatabasePath;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await OpenSqliteAsync(cancellationToken);

    public override async Task<LedgerWriter> OpenWriterAsync(LedgerDurability durability, CancellationToken cancellationToken)
    {
        if (!await _writerTurn.WaitAsync(CommandTimeout, cancellationToken))
        {
            // A DbException, like SQLite's own "database is locked": callers treat it as a transient database failure.
            throw new SqliteException(
                $"The ledger database '{DatabasePath}' is busy: other writes of this worker kept it for longer than the command timeout ({CommandTimeout}).",
                SqliteBusy);
        }

        try
        {
            var connection = await OpenSqliteAsync(cancellationToken);
            var wanted = durability == LedgerDurability.Durable ? SynchronousFull : SynchronousNormal;
            var handle = connection.Handle!;
            // A durable write sets FULL every time (one statement beside its fsync; and the pool is shared with any other
            // dialect over the same file, which this table knows nothing of). A relaxed write sets NORMAL only when this
            // physical connection's last write was durable: two statements fewer per relaxed write than setting and
            // restoring it each time, and at worst (another dialect put FULL back) it commits with an fsync it did not
            // need. Until the pragma has run the handle counts as not configured: if it fails, the next open sets
            // everything up again, FULL included.
            if (ReferenceEquals(wanted, SynchronousFull) || !_configured.TryGetValue(handle, out var current) || !ReferenceEquals(current, wanted))
            {
                _configured.Remove(handle);
                try
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        ReferenceEquals(wanted, SynchronousFull) ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;",
                        commandTimeout: CommandTimeoutSeconds, cancellationToken: cancellationToken));
                }
                catch
                {
                    await connection.DisposeAsync();
                    throw;
                }

                _configured.AddOrUpdate(handle, wanted);
            }

            return new LedgerWriter(connection, _writerTurn);
        }
        catch
        {
            _writerTurn.Release();
            throw;
        }
    }

    public override async Task PrepareDatabaseAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenSqliteAsync(cancellationToken);
        // The journal mode is stored in the file; it cannot change inside a transaction.
        var mode = await connection.ExecuteScalarAsync<string>(
            new CommandDefinition("PRAGMA journal_mode=WAL;", commandTimeout: CommandTimeoutSeconds, cancellationToken: cancellationToken));
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"SQLite could not put the ledger database '{DatabasePath}' in WAL journal mode (it reports '{mode}'). "
                + "Keep the ledger on a local file system.");
        }
    }

    /// <summary>Nothing to do: the migration runs in a <c>BEGIN IMMEDIATE</c> transaction, which already excludes other writers.</summary>
    public override Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    public override object Id(Guid id) => id.ToString("D");

    public override Guid ReadId(object value) => Guid.Parse((string)value, CultureInfo.InvariantCulture);

    public override object Timestamp(DateTimeOffset value) => FormatTimestamp(value);

    public override DateTimeOffset ReadTimestamp(object value) => ParseTimestamp((string)value);

    /// <summary>Days are stored as ISO-8601 date text (<c>yyyy-MM-dd</c>), which sorts chronologically.</summary>
    public override object Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Records many published findings in one statement: the rows travel as one JSON array parameter that SQLite's
    /// <c>json_each</c> unpacks, as PostgreSQL's <c>unnest</c> does for its arrays. Running one statement per row cost
    /// a tenth of the audit's CPU, mostly binding six named parameters per row. A finding published again keeps its
    /// first publication time and takes the new hash, client and time.
    /// </summary>
    internal const string UpsertPublishedFindings =
        """
        INSERT INTO audit_findings (deployment_id, oauth_client_id, grant_id, kind, detail_hash, first_published_at, last_published_at)
        SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 5
        FROM json_each(@rows) WHERE true ORDER BY key
        ON CONFLICT (deployment_id, grant_id, kind) DO UPDATE SET oauth_client_id = excluded.oauth_client_id,
            detail_hash = excluded.detail_hash, last_published_at = excluded.last_published_at;
        """;

    /// <summary>Forgets many published findings of a deployment in one statement (by primary key; see <see cref="UpsertPublishedFindings"/>).</summary>
    internal const string DeletePublishedFindings =
        """
        DELETE FROM audit_findings
        WHERE deployment_id = @deployment
          AND (grant_id, kind) IN (SELECT value ->> 0, value ->> 1 FROM json_each(@rows));
        """;

    /// <summary>One transaction, one statement (<see cref="UpsertPublishedFindings"/>).</summary>
    public override async Task UpsertPublishedFindingsAsync(
        LedgerWriter writer, IReadOnlyList<PublishedFinding> findings, CancellationToken cancellationToken)
    {
        var rows = JsonRows(findings, static (json, finding) =>
        {
            json.WriteStringValue(finding.DeploymentId);
            json.WriteStringValue(finding.OAuthClientId);
            json.WriteStringValue(finding.GrantId);
            json.WriteStringValue(finding.Kind);
            json.WriteStringValue(finding.DetailHash);
            json.WriteStringValue(FormatTimestamp(finding.LastPublishedAt));
        });
        await using var transaction = await writer.Connection.BeginTransactionAsync(cancellationToken);
        await writer.Connection.ExecuteAsync(new CommandDefinition(
            UpsertPublishedFindings, new { rows }, transaction, CommandTimeoutSeconds, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc cref="UpsertPublishedFindingsAsync"/>
    public override async Task DeletePublishedFindingsAsync(
        LedgerWriter writer, string deploymentId, IReadOnlyList<(string GrantId, string Kind)> resolved, CancellationToken cancellationToken)
    {
        var rows = JsonRows(resolved, static (json, finding) =>
        {
            json.WriteStringValue(finding.GrantId);
            json.WriteStringValue(finding.Kind);
        });
        await using var transaction = await writer.Connection.BeginTransactionAsync(cancellationToken);
        await writer.Connection.ExecuteAsync(new CommandDefinition(
            DeletePublishedFindings, new { deployment = deploymentId, rows }, transaction, CommandTimeoutSeconds, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A JSON array with one array per item, written by <paramref name="write"/>.</summary>
    private static string JsonRows<T>(IReadOnlyList<T> items, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var item in items)
            {
                json.WriteStartArray();
                write(json, item);
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Timestamps are stored as ISO-8601 UTC round-trip text, e.g. <c>2026-03-04T05:06:07.0000000Z</c>.</summary>
    internal static string FormatTimestamp(DateTimeOffset value) => value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private async Task<SqliteConnection> OpenSqliteAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var handle = connection.Handle!;
            if (!_configured.TryGetValue(handle, out _))
            {
                // A new physical connection (the pool hands the same handle back until it closes it for good).
                await using var pragmas = connection.CreateCommand();
                pragmas.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout="
                    + _busyTimeoutMs.ToString(CultureInfo.InvariantCulture) + ";";
                await pragmas.ExecuteNonQueryAsync(cancellationToken);
                _configured.AddOrUpdate(handle, SynchronousFull);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
