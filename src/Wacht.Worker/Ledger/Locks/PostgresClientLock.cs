using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Wacht.Worker.Ledger;

/// <summary>
/// Mutual exclusion per key across every worker instance sharing the PostgreSQL database: first the in-process lock
/// (so one instance never spends two connections on the same key), then a session-level <c>pg_advisory_lock</c> on a
/// dedicated connection that is held until the returned handle is disposed. The advisory key is the first 8 bytes of
/// SHA-256 of <c>wacht-worker:</c> + key.
/// </summary>
/// <remarks>
/// Waiting polls <c>pg_try_advisory_lock</c> (every <see cref="PollInterval"/>) instead of blocking in
/// <c>pg_advisory_lock</c>: the cancellation token then only ever interrupts the delay between attempts, never a query
/// whose effect is uncertain. Cancelling a blocking <c>pg_advisory_lock</c> through Npgsql's cancel request races
/// with the lock being granted, and a lock granted at that moment would stay held on a connection going back to the
/// pool. The try-lock itself is not cancellable (it never waits), so after it returns we always know whether we hold
/// the lock. If the connection dies, PostgreSQL releases the lock with the session.
/// </remarks>
public sealed class PostgresClientLock : IClientLock
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly InProcessClientLock _local = new();
    private readonly ILogger _logger;

    public PostgresClientLock(NpgsqlDataSource dataSource, ILogger<PostgresClientLock>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>How long to wait between two attempts while another instance holds the key. Default 100 ms.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public async ValueTask<IClientLockHandle> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var local = await _local.AcquireAsync(key, cancellationToken);
        NpgsqlConnection? connection = null;
        try
        {
            var lockKey = AdvisoryLockKey.For(key);
            connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            while (true)
            {
                await using (var attempt = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key);", connection))
                {
                    attempt.Parameters.AddWithValue("key", lockKey);
                    if ((bool)(await attempt.ExecuteScalarAsync(CancellationToken.None))!)
                    {
                        return new Handle(connection, key, lockKey, local, _logger);
                    }
                }

                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            await local.DisposeAsync();
            throw;
        }
    }

    private sealed class Handle : IClientLockHandle
    {
        private readonly NpgsqlConnection _connection;
        private readonly string _key;
        private readonly long _lockKey;
        private readonly IAsyncDisposable _local;
        private readonly ILogger _logger;
        private int _released;

        public Handle(NpgsqlConnection connection, string key, long lockKey, IAsyncDisposable local, ILogger logger)
        {
            _connection = connection;
            _key = key;
            _lockKey = lockKey;
            _local = local;
            _logger = logger;
        }

        /// <summary>
        /// Asks the server, on the session that took the lock, whether that session still holds it. A session that
        /// ended took its advisory locks with it, and the query fails; either way the lock is lost.
        /// </summary>
        public async ValueTask EnsureHeldAsync(CancellationToken cancellationToken)
        {
            bool held;
            try
            {
                await using var check = new NpgsqlCommand(
                    """
                    SELECT EXISTS (
                        SELECT 1 FROM pg_locks
                        WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 1
                          AND classid = ((@key >> 32) & 4294967295)::oid AND objid = (@key & 4294967295)::oid);
                    """,
                    _connection);
                check.Parameters.AddWithValue("key", _lockKey);
                check.CommandTimeout = 15;
                held = Volatile.Read(ref _released) == 0 && (bool)(await check.ExecuteScalarAsync(cancellationToken))!;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or ObjectDisposedException)
            {
                throw new ClientLockLostException($"The lock on {_key} was lost: its database session is gone ({ex.GetType().Name}).", ex);
            }

            if (!held)
            {
                throw new ClientLockLostException($"The lock on {_key} is no longer held by this worker's database session.");
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            try
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key);", _connection);
                unlock.Parameters.AddWithValue("key", _lockKey);
                if (!(bool)(await unlock.ExecuteScalarAsync(CancellationToken.None))!)
                {
                    LedgerLog.AdvisoryLockNotHeld(_logger, _lockKey);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                // The session is gone (or unusable): the server releases its advisory locks with it. Clear the pool so
                // this physical connection is not reused while it might still hold the lock.
                LedgerLog.AdvisoryUnlockFailed(_logger, _lockKey, ex.GetType().Name);
                NpgsqlConnection.ClearPool(_connection);
            }
            finally
            {
                await _connection.DisposeAsync();
                await _local.DisposeAsync();
            }
        }
    }
}
