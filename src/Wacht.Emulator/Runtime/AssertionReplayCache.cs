namespace Wacht.Emulator;

/// <summary>
/// The jti of every client assertion accepted, per client, until the assertion expires: a second use of the same jti
/// is refused. The platform does the same in Redis (<c>SET NX EX</c>, TTL = exp - now clamped to 1..300 s).
/// </summary>
internal sealed class AssertionReplayCache(TimeProvider timeProvider)
{
    private const int MaxLifetimeSeconds = 300;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string ClientId, string Jti), long> _expiresAt = [];

    /// <summary>Records the jti; false when it was already recorded and has not expired (a replay).</summary>
    public bool TryUse(string clientId, string jti, long exp)
    {
        var now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var expiresAt = now + Math.Clamp(exp - now, 1, MaxLifetimeSeconds);
        lock (_gate)
        {
            if (_expiresAt.TryGetValue((clientId, jti), out var until) && until > now)
            {
                return false;
            }

            if (_expiresAt.Count >= 1024)
            {
                // Expired entries are dropped lazily, so the cache stays small without a timer.
                foreach (var key in _expiresAt.Where(e => e.Value <= now).Select(e => e.Key).ToList())
                {
                    _expiresAt.Remove(key);
                }
            }

            _expiresAt[(clientId, jti)] = expiresAt;
            return true;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _expiresAt.Clear();
        }
    }
}
