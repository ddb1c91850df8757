using System.Data.Common;
using System.Globalization;

namespace Wacht.Worker.Ledger.Sql;

/// <summary>
/// What really differs between the ledger's databases, so that <see cref="SqlLedger"/> is written once: connections and
/// how writers take turns (SQLite: one writer at a time; PostgreSQL: row locks), the first three schema versions' DDL
/// (column types), how ids, timestamps and days are stored, the schema-migration lock, and how a job's many rows are
/// written in one go. Everything else (the statements, the state rules, encryption) is shared.
/// </summary>
internal abstract class LedgerDialect
{
    protected LedgerDialect(TimeSpan commandTimeout)
    {
        CommandTimeout = commandTimeout;
        CommandTimeoutSeconds = (int)Math.Clamp(Math.Ceiling(commandTimeout.TotalSeconds), 1, int.MaxValue);
    }

    public abstract LedgerProvider Provider { get; }

    /// <summary>The timeout of one database command (and, on SQLite, of a writer's wait for its turn).</summary>
    public TimeSpan CommandTimeout { get; }

    public int CommandTimeoutSeconds { get; }

    /// <summary>The schema, one entry per version: append, never edit an applied one.</summary>
    public abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>Creates the table of applied schema versions when it does not exist.</summary>
    public abstract string CreateSchemaVersion { get; }

    /// <summary>Where the ledger lives, without credentials (for the start-up log and error messages).</summary>
    public abstract string Location { get; }

    /// <summary>How an error message names the database (the SQLite file), or null.</summary>
    public abstract string? NameInErrors { get; }

    /// <summary>An open connection for reads (and for writes that need no turn, see <see cref="OpenWriterAsync(CancellationToken)"/>).</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// An open connection to write on, held until the writer is disposed. SQLite has one writer per database, so this
    /// waits (asynchronously, without holding a thread) for the other writers of this process to finish first;
    /// PostgreSQL writers run side by side and lock rows.
    /// </summary>
    public Task<LedgerWriter> OpenWriterAsync(CancellationToken cancellationToken) =>
        OpenWriterAsync(LedgerDurability.Durable, cancellationToken);

    /// <inheritdoc cref="OpenWriterAsync(CancellationToken)"/>
    /// <param name="durability">Whether the commit waits until it is on disk (<see cref="LedgerDurability"/>).</param>
    public abstract Task<LedgerWriter> OpenWriterAsync(LedgerDurability durability, CancellationToken cancellationToken);

    /// <summary>What has to happen before the migration transaction (SQLite: the directory and the WAL journal).</summary>
    public abstract Task PrepareDatabaseAsync(CancellationToken cancellationToken);

    /// <summary>Makes instances that start together migrate one after the other (inside the migration transaction).</summary>
    public abstract Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>A command id (or run id) as a parameter value.</summary>
    public abstract object Id(Guid id);

    /// <summary>A command id (or run id) as read back.</summary>
    public abstract Guid ReadId(object value);

    /// <summary>A timestamp as a parameter value.</summary>
    public abstract object Timestamp(DateTimeOffset value);

    /// <summary>A nullable timestamp as a parameter value.</summary>
    public object? Timestamp(DateTimeOffset? value) => value is { } present ? Timestamp(present) : null;

    /// <summary>A timestamp as read back.</summary>
    public abstract DateTimeOffset ReadTimestamp(object value);

    /// <summary>A day (UTC date) as a parameter value.</summary>
    public abstract object Day(DateOnly day);

    /// <summary>
    /// Records published findings (insert, or update hash, client and last publication time) atomically, in few round
    /// trips; a grant+kind listed twice ends as its last entry.
    /// </summary>
    public abstract Task UpsertPublishedFindingsAsync(
        LedgerWriter writer, IReadOnlyList<PublishedFinding> findings, CancellationToken cancellationToken);

    /// <summary>Deletes the listed published findings of a deployment atomically, in few round trips.</summary>
    public abstract Task DeletePublishedFindingsAsync(
        LedgerWriter writer, string deploymentId, IReadOnlyList<(string GrantId, string Kind)> resolved, CancellationToken cancellationToken);

    /// <summary>Integers and booleans come back as <c>long</c> from SQLite and as themselves from PostgreSQL.</summary>
    public static int ReadInt32(object value) => Convert.ToInt32(value, CultureInfo.InvariantCulture);

    /// <inheritdoc cref="ReadInt32"/>
    public static bool ReadBoolean(object value) => Convert.ToBoolean(value, CultureInfo.InvariantCulture);
}

/// <summary>
/// A connection that may write (see <see cref="LedgerDialect.OpenWriterAsync(CancellationToken)"/>); disposing it closes the connection
/// and lets the next writer in.
/// </summary>
internal sealed class LedgerWriter : IAsyncDisposable
{
    private SemaphoreSlim? _turn;
    private Func<DbConnection, Task>? _restore;

    /// <param name="restore">Run before the connection is closed: puts back what a relaxed write changed.</param>
    public LedgerWriter(DbConnection connection, SemaphoreSlim? turn, Func<DbConnection, Task>? restore = null)
    {
        Connection = connection;
        _turn = turn;
        _restore = restore;
    }

    public DbConnection Connection { get; }

    public async ValueTask DisposeAsync()
    {
        try
        {
            try
            {
                if (Interlocked.Exchange(ref _restore, null) is { } restore)
                {
                    await restore(Connection);
                }
            }
            finally
            {
                await Connection.DisposeAsync();
            }
        }
        finally
        {
            Interlocked.Exchange(ref _turn, null)?.Release();
        }
    }
}

/// <summary>
/// Whether a write's commit waits until it is on disk. A <see cref="Relaxed"/> commit is safe against a crash of the
/// worker (the operating system has it) but a power cut or a crash of the machine may lose it, and with it only the
/// relaxed commits since the last durable one: the journal is written in order (SQLite's WAL; PostgreSQL's WAL), so a
/// durable commit makes every commit before it durable too. Waiting for the disk costs milliseconds per commit on
/// ordinary disks and, with SQLite's one writer at a time, bounds the whole worker's commit rate.
/// </summary>
internal enum LedgerDurability
{
    /// <summary>On disk before the call returns: whatever the rotation of a secret records.</summary>
    Durable,

    /// <summary>
    /// For writes whose loss only repeats work that is safe to repeat: a command's begin and outcome (a revocation or
    /// scope sync runs again, idempotent at Wacht; a rotation's own states are durable), job runs, due warnings, and the
    /// audit's record of published findings (a finding is published again).
    /// </summary>
    Relaxed,
}
