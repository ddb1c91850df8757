using System.Collections.Concurrent;

namespace Wacht.Client;

/// <summary>
/// Remembers until when each deployment's circuit is open, so that <see cref="WachtException.RetryAfter"/>
/// can tell the remaining break (Polly 8.4's BrokenCircuitException does not carry it).
/// </summary>
internal sealed class WachtCircuitStateRegistry
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _openUntil = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    public WachtCircuitStateRegistry(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
    }

    public void Opened(string deploymentId, TimeSpan breakDuration) =>
        _openUntil[deploymentId] = _timeProvider.GetUtcNow() + breakDuration;

    public void Closed(string deploymentId) => _openUntil.TryRemove(deploymentId, out _);

    public TimeSpan? RemainingBreak(string deploymentId)
    {
        if (!_openUntil.TryGetValue(deploymentId, out var until))
        {
            return null;
        }

        var remaining = until - _timeProvider.GetUtcNow();
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }
}
