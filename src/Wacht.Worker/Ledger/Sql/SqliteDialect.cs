using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
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
/// CI disk, and writers take turns) and puts <c>FULL</c> back before its connection returns to the pool.</item>
/// <item>Writers take turns: SQLite has one writer per database, and writers racing for it spin in SQLite's busy
/// handler (sleeping on a pool thread, up to 100 ms a try), which got slower the more writers there were. Here a
/// writer waits asynchronously for its turn in this process (<see cref="OpenWriterAsync(LedgerDurability, CancellationToken)"/>), bounded by the command
/// timeout; <c>busy_timeout</c> still covers another process writing to the same file (the CLI, say).</item>
/// <item>Per-connection settings (<c>synchronous</c>, <c>busy_timeout</c>) are applied once per physical connection,
/// not at every open of a pooled one.</item>
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

    private static readonly object Configured = new();

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
            if (durability == LedgerDurability.Durable)
            {
                return new LedgerWriter(connection, _writerTurn);
            }

            try
            {
                // Until restored, this handle no longer counts as configured: if the restore fails, the next open of it
                // applies synchronous=FULL again.
                _configured.Remove(connection.Handle!);
                await connection.ExecuteAsync(new CommandDefinition("PRAGMA synchronous=NORMAL;", commandTimeout: CommandTimeoutSeconds, cancellationToken: cancellationToken));
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }

            return new LedgerWriter(connection, _writerTurn, RestoreAsync);
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

    /// <summary>One transaction, one prepared statement run once per finding (Dapper re-binds the same command).</summary>
    public override async Task UpsertPublishedFindingsAsync(
        LedgerWriter writer, IReadOnlyList<PublishedFinding> findings, CancellationToken cancellationToken)
    {
        var rows = findings.Select(finding => new
        {
            deployment = finding.DeploymentId,
            oauthClient = finding.OAuthClientId,
            grant = finding.GrantId,
            kind = finding.Kind,
            hash = finding.DetailHash,
            publishedAt = FormatTimestamp(finding.LastPublishedAt),
        });
        await using var transaction = await writer.Connection.BeginTransactionAsync(cancellationToken);
        await writer.Connection.ExecuteAsync(new CommandDefinition(
            LedgerSql.UpsertPublishedFinding, rows, transaction, CommandTimeoutSeconds, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc cref="UpsertPublishedFindingsAsync"/>
    public override async Task DeletePublishedFindingsAsync(
        LedgerWriter writer, string deploymentId, IReadOnlyList<(string GrantId, string Kind)> resolved, CancellationToken cancellationToken)
    {
        var rows = resolved.Select(finding => new { deployment = deploymentId, grant = finding.GrantId, kind = finding.Kind });
        await using var transaction = await writer.Connection.BeginTransactionAsync(cancellationToken);
        await writer.Connection.ExecuteAsync(new CommandDefinition(
            LedgerSql.DeletePublishedFinding, rows, transaction, CommandTimeoutSeconds, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Puts a connection that wrote relaxed back to its per-connection settings (and marks it configured).</summary>
    private async Task RestoreAsync(DbConnection connection)
    {
        var sqlite = (SqliteConnection)connection;
        await using var pragmas = sqlite.CreateCommand();
        pragmas.CommandText = "PRAGMA synchronous=FULL;";
        await pragmas.ExecuteNonQueryAsync(CancellationToken.None);
        _configured.AddOrUpdate(sqlite.Handle!, Configured);
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
                _configured.AddOrUpdate(handle, Configured);
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
