using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Wacht.Emulator;

/// <summary>
/// Counts every request that reaches an API route, per deployment and operation, on arrival
/// (so requests that are then faulted count too). Requests that fail authentication are counted
/// under the deployment <see cref="OAuthOperations.UnauthenticatedDeployment"/>.
/// </summary>
public sealed class CallCounter
{
    private readonly ConcurrentDictionary<(string DeploymentId, string Operation), StrongBox<int>> _counts = new();

    /// <summary>Requests for <paramref name="operation"/> (<c>*</c> for all) of one deployment or of all (null).</summary>
    public int Count(string operation, string? deploymentId = null)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var total = 0;
        foreach (var (key, box) in _counts)
        {
            if ((operation == OAuthOperations.Any || key.Operation == operation)
                && (deploymentId is null || key.DeploymentId == deploymentId))
            {
                total += Volatile.Read(ref box.Value);
            }
        }

        return total;
    }

    public void Reset() => _counts.Clear();

    /// <summary>All non-zero counts, ordered by deployment then operation.</summary>
    public IReadOnlyList<CallCount> Snapshot() =>
        [.. _counts
            .Select(kv => new CallCount(kv.Key.DeploymentId, kv.Key.Operation, Volatile.Read(ref kv.Value.Value)))
            .Where(c => c.Count > 0)
            .OrderBy(c => c.DeploymentId, StringComparer.Ordinal)
            .ThenBy(c => c.Operation, StringComparer.Ordinal)];

    internal void Increment(string operation, string deploymentId)
    {
        var box = _counts.GetOrAdd((deploymentId, operation), static _ => new StrongBox<int>());
        Interlocked.Increment(ref box.Value);
    }
}
