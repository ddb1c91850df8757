namespace Wacht.Worker.Ledger;

/// <summary>
/// Mutual exclusion per key within this process: one <see cref="SemaphoreSlim"/> per key, reference-counted so an
/// entry is removed as soon as nobody holds or waits for it. Used alone with SQLite (one worker instance) and as the
/// first stage of <see cref="PostgresClientLock"/>.
/// </summary>
public sealed class InProcessClientLock : IClientLock
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>How many keys currently have holders or waiters (for tests and diagnostics).</summary>
    internal int ActiveKeys
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    public async ValueTask<IClientLockHandle> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out entry!))
            {
                entry = new Entry();
                _entries.Add(key, entry);
            }

            entry.References++;
        }

        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Unreference(key, entry);
            throw;
        }

        return new Releaser(this, key, entry);
    }

    private void Unreference(string key, Entry entry)
    {
        lock (_entries)
        {
            if (--entry.References == 0)
            {
                _entries.Remove(key);
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int References { get; set; }
    }

    private sealed class Releaser : IClientLockHandle
    {
        private readonly InProcessClientLock _owner;
        private readonly string _key;
        private readonly Entry _entry;
        private int _released;

        public Releaser(InProcessClientLock owner, string key, Entry entry)
        {
            _owner = owner;
            _key = key;
            _entry = entry;
        }

        /// <summary>An in-process lock cannot be lost while it is held.</summary>
        public ValueTask EnsureHeldAsync(CancellationToken cancellationToken) =>
            Volatile.Read(ref _released) == 0
                ? ValueTask.CompletedTask
                : throw new ClientLockLostException($"The lock on {_key} was already released.");

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                _entry.Semaphore.Release();
                _owner.Unreference(_key, _entry);
            }

            return ValueTask.CompletedTask;
        }
    }
}
