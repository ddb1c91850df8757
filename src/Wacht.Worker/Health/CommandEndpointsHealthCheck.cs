using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Wacht.Worker.Health;

/// <summary>
/// Ready when every command queue (<c>rotate-secret</c>, <c>revoke-grant</c>, <c>sync-scopes</c>) has a receive endpoint
/// that MassTransit reports ready, i.e. its consumer is registered with the broker. A lost connection faults the
/// endpoints at once; they turn ready again only when the consumer is re-established. MassTransit's own bus check
/// (<c>masstransit-bus</c>) says the same for the bus as a whole; this one names each command queue in the body.
/// </summary>
internal sealed class CommandEndpointsHealthCheck(IBusControl bus) : IHealthCheck
{
    public const string Name = "command-endpoints";

    /// <summary>The worker's command queues, by endpoint name (the consumers' kebab-case names).</summary>
    public static readonly IReadOnlyList<string> Queues = ["rotate-secret", "revoke-grant", "sync-scopes"];

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var byQueue = ByQueue(bus.CheckHealth());
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (queue, endpoint) in byQueue)
        {
            data[queue] = endpoint is { } e ? $"{e.Status}: {e.Description}" : "no receive endpoint";
        }

        var notReady = NotConsuming(byQueue);
        return Task.FromResult(notReady.Count == 0
            ? HealthCheckResult.Healthy("every command queue has its consumer", data)
            : HealthCheckResult.Unhealthy($"not consuming: {string.Join(", ", notReady)}", data: data));
    }

    /// <summary>The command queues whose receive endpoint is missing or not healthy (also the consumer watchdog's view).</summary>
    public static IReadOnlyList<string> NotConsuming(BusHealthResult health) => NotConsuming(ByQueue(health));

    private static List<string> NotConsuming(IReadOnlyList<(string Queue, EndpointHealthResult? Endpoint)> byQueue) =>
        [.. byQueue.Where(q => q.Endpoint is not { Status: BusHealthStatus.Healthy }).Select(q => q.Queue)];

    private static List<(string Queue, EndpointHealthResult? Endpoint)> ByQueue(BusHealthResult health)
    {
        var found = new Dictionary<string, EndpointHealthResult>(StringComparer.Ordinal);
        foreach (var endpoint in health.Endpoints.Values)
        {
            var queue = endpoint.InputAddress.AbsolutePath.Split('/').LastOrDefault();
            if (queue is not null && Queues.Contains(queue, StringComparer.Ordinal))
            {
                found[queue] = endpoint;
            }
        }

        return [.. Queues.Select(q => (q, found.GetValueOrDefault(q)))];
    }
}
