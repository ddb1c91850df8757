namespace Wacht.Worker.Ledger;

/// <summary>
/// Mutual exclusion per OAuth client (or per app, for scope sync): two commands for the same key never run at the same
/// time. With SQLite it spans one process; with PostgreSQL it spans every worker instance sharing the database
/// (a session-level advisory lock held on a dedicated connection).
/// </summary>
public interface IClientLock
{
    /// <summary>Waits for the lock on <paramref name="key"/>; dispose the result to release it.</summary>
    ValueTask<IClientLockHandle> AcquireAsync(string key, CancellationToken cancellationToken);
}
