namespace Wacht.Worker.Ledger;

/// <summary>A held client lock. Dispose it to release the lock.</summary>
public interface IClientLockHandle : IAsyncDisposable
{
    /// <summary>
    /// Throws <see cref="ClientLockLostException"/> when the lock can no longer be vouched for. With PostgreSQL, that
    /// happens when the database session holding it ended (idle timeout, failover, network), because the server then
    /// released the lock and another instance may hold it. Call it before each step that must not overlap with another
    /// instance's step for the same client.
    /// </summary>
    ValueTask EnsureHeldAsync(CancellationToken cancellationToken);
}
