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

    /// <summary>An open connection for reads (and for writes that need no turn, see <see cref="OpenWriterAsync"/>).</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// An open connection to write on, held until the writer is disposed. SQLite has one writer per database, so this
    /// waits (asynchronously, without holding a thread) for the other writers of this process to finish first;
    /// PostgreSQL writers run side by side and lock rows.
    /// </summary>
    public abstract Task<LedgerWriter> OpenWriterAsync(CancellationToken cancellationToken);

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
/// A connection that may write (see <see cref="LedgerDialect.OpenWriterAsync"/>); disposing it closes the connection
/// and lets the next writer in.
/// </summary>
internal sealed class LedgerWriter : IAsyncDisposable
{
    private SemaphoreSlim? _turn;

    public LedgerWriter(DbConnection connection, SemaphoreSlim? turn)
    {
        Connection = connection;
        _turn = turn;
    }

    public DbConnection Connection { get; }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Connection.DisposeAsync();
        }
        finally
        {
            Interlocked.Exchange(ref _turn, null)?.Release();
        }
    }
}
