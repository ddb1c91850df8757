using Microsoft.Extensions.Options;
using Wacht.Worker.Ledger;
using Wacht.Worker.Messaging;

namespace Wacht.Worker.Commands;

/// <summary>
/// Where a command waits before it executes, in two stages, so that commands for a busy client never hold what
/// another client's command needs (no head-of-line blocking):
/// <list type="number">
/// <item>Its target's turn (<see cref="TakeTurnAsync"/>): commands with the same lock key queue here, first come first
/// served, in the order they were delivered. Waiting here costs a task, not an execution slot: the consumer accepts up
/// to <see cref="MessagingOptions.InFlightLimit"/> messages, far more than it executes.</item>
/// <item>An execution slot of its command kind (<see cref="TakeSlotAsync"/>), at most
/// <see cref="MessagingOptions.ConcurrentMessageLimit"/> per kind, taken only once the command is next for its target.</item>
/// </list>
/// The cross-instance lock (<see cref="IClientLock"/>) is taken after both, so a worker holds at most one database
/// connection per executing command. MassTransit's partitioner did the first stage before, but its waiting messages held
/// the endpoint's concurrency slots: four commands for one client took four of eight slots while only one could run.
/// </summary>
internal sealed class CommandSlots(IOptions<MessagingOptions> options)
{
    private readonly InProcessClientLock _turns = new();
    private readonly Dictionary<string, SemaphoreSlim> _slots = new(StringComparer.Ordinal);

    /// <summary>
    /// Waits until every earlier command for <paramref name="lockKey"/> in this process has finished. Must be called
    /// before the consumer's first await, so the order of the queue is the order of delivery (as the partitioner's was).
    /// </summary>
    public ValueTask<IClientLockHandle> TakeTurnAsync(string lockKey, CancellationToken cancellationToken) =>
        _turns.AcquireAsync(lockKey, cancellationToken);

    /// <summary>Waits for one of the kind's execution slots (first come, first served); disposing the result frees it.</summary>
    public async ValueTask<IDisposable> TakeSlotAsync(string kind, CancellationToken cancellationToken)
    {
        SemaphoreSlim slots;
        lock (_slots)
        {
            if (!_slots.TryGetValue(kind, out slots!))
            {
                var limit = options.Value.ConcurrentMessageLimit;
                slots = new SemaphoreSlim(limit, limit);
                _slots.Add(kind, slots);
            }
        }

        await slots.WaitAsync(cancellationToken);
        return new Slot(slots);
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
