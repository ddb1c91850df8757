namespace Wacht.Emulator;

/// <summary>
/// Snowflake-like 64-bit ids. They start far above 2^53 so a client that parses them as
/// JSON numbers (doubles) loses precision and breaks, as it would against the real platform.
/// </summary>
internal sealed class IdGenerator
{
    /// <summary>The first generated id (about 7.28e18, well above 2^53).</summary>
    public const long Start = 7_283_910_238_471_000_000;

    private long _last = Start - 1;

    public long Next() => Interlocked.Increment(ref _last);

    /// <summary>Makes sure later ids are above an id that came from a seed.</summary>
    public void Observe(long id)
    {
        long current;
        do
        {
            current = Volatile.Read(ref _last);
            if (id <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _last, id, current) != current);
    }
}
