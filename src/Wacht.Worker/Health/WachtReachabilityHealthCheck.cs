using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Wacht.Client;

namespace Wacht.Worker.Health;

/// <summary>
/// One check per configured Wacht deployment (<c>wacht:{deployment id}</c>, tag <see cref="HealthTags.Wacht"/>): can the
/// worker reach it with its API key? Reported in the readiness body but never failing readiness: Wacht being down is
/// not something a restart or a rollout of the worker can fix, and commands wait it out in their retry budget.
/// </summary>
/// <remarks>
/// One authenticated read (<c>listOAuthApps</c>) through the worker's own client, at most once per
/// <see cref="HealthOptions.WachtCheckInterval"/> per deployment; probes in between get the last answer and its age.
/// </remarks>
internal sealed class WachtReachabilityHealthCheck(
    string deploymentId,
    IWachtClientFactory clients,
    WachtReachabilityCache cache,
    IOptions<HealthOptions> options,
    TimeProvider time) : IHealthCheck
{
    public const string NamePrefix = "wacht:";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var entry = cache.For(deploymentId);
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (entry.Last is not { } last || now - last.CheckedAt >= options.Value.WachtCheckInterval)
            {
                last = (await ProbeAsync(cancellationToken), now);
                entry.Last = last;
            }

            var (reachable, description) = last.Result;
            var data = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["checked_at"] = last.CheckedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            };
            return reachable
                ? HealthCheckResult.Healthy(description, data)
                : new HealthCheckResult(context.Registration.FailureStatus, description, data: data);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private async Task<(bool Reachable, string Description)> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await clients.GetClient(deploymentId).ListOAuthAppsAsync(cancellationToken);
            return (true, "reachable");
        }
        catch (WachtException exception)
        {
            // Status and type only: the server's message is not repeated on an unauthenticated endpoint.
            var status = exception.StatusCode is { } code ? $" {(int)code}" : "";
            return (false, $"not usable: {exception.GetType().Name}{status}");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (false, $"not reachable: {exception.GetType().Name}");
        }
    }
}

/// <summary>The last reachability answer of each deployment, shared by the probes.</summary>
internal sealed class WachtReachabilityCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public Entry For(string deploymentId) => _entries.GetOrAdd(deploymentId, static _ => new Entry());

    internal sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public ((bool Reachable, string Description) Result, DateTimeOffset CheckedAt)? Last { get; set; }
    }
}
