using Microsoft.Extensions.Logging;
using Wacht.Worker.Secrets.Kubernetes;

namespace Wacht.Worker.Secrets.Reload;

/// <summary>
/// Runs a route's reload actions after a confirmed delivery and checks them before rotating. A failed reload never
/// throws: it is a failed <see cref="ReloadResult"/> (the secret is delivered; the rotation stands).
/// </summary>
public sealed class SecretReloader(SecretDestinations destinations, IHttpClientFactory httpClients, TimeProvider time, ILogger<SecretReloader> logger)
{
    /// <summary>The named HttpClient of the webhooks (its request logging is removed).</summary>
    public const string HttpClientName = "Wacht.Worker.SecretReload";

    /// <summary>
    /// Checks, before rotating, what can be checked without acting: rollout restarts may patch their workloads
    /// (SelfSubjectAccessReview), webhooks' signing keys can be read.
    /// </summary>
    /// <exception cref="SecretDestinationException">A check failed; the message names the action and is safe to publish.</exception>
    public async Task PreflightAsync(SecretRoute route, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(route);
        foreach (var action in route.Reload)
        {
            if (IsRollout(action))
            {
                await Rollout(route, action).PreflightAsync(cancellationToken);
            }
            else
            {
                Webhook(action).Preflight();
            }
        }
    }

    /// <summary>Runs every action of the route in order; one result per workload restarted or webhook called.</summary>
    public async Task<IReadOnlyList<ReloadResult>> RunAsync(SecretRoute route, ReloadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(request);
        var results = new List<ReloadResult>();
        foreach (var action in route.Reload)
        {
            if (IsRollout(action))
            {
                RolloutRestartReload rollout;
                try
                {
                    rollout = Rollout(route, action);
                }
                catch (SecretDestinationException ex)
                {
                    results.Add(Report(new ReloadResult(ReloadActionOptions.RolloutRestart, action.Cluster ?? route.Destination.Name, false, ex.Message)));
                    continue;
                }

                foreach (var (resource, name) in rollout.Workloads)
                {
                    results.Add(Report(await Guard(ReloadActionOptions.RolloutRestart, rollout.TargetOf(resource, name), () => rollout.RunAsync(resource, name, cancellationToken))));
                }
            }
            else
            {
                var webhook = Webhook(action);
                results.Add(Report(await Guard(ReloadActionOptions.Webhook, webhook.Target, () => webhook.RunAsync(request, cancellationToken))));
            }
        }

        return results;
    }

    private static bool IsRollout(ReloadActionOptions action) =>
        string.Equals(action.Kind?.Trim(), ReloadActionOptions.RolloutRestart, StringComparison.OrdinalIgnoreCase);

    private static async Task<ReloadResult> Guard(string action, string target, Func<Task<ReloadResult>> run)
    {
        try
        {
            return await run();
        }
        catch (OperationCanceledException)
        {
            return new ReloadResult(action, target, false, "cancelled (the worker is stopping)");
        }
        catch (SecretDestinationException ex)
        {
            return new ReloadResult(action, target, false, ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException)
        {
            return new ReloadResult(action, target, false, $"failed: {ex.GetType().Name}");
        }
    }

    private ReloadResult Report(ReloadResult result)
    {
        if (result.Succeeded)
        {
            ReloadLog.Succeeded(logger, result.Action, result.Target, result.Message);
        }
        else
        {
            ReloadLog.Failed(logger, result.Action, result.Target, result.Message);
        }

        return result;
    }

    private RolloutRestartReload Rollout(SecretRoute route, ReloadActionOptions action)
    {
        var name = string.IsNullOrWhiteSpace(action.Cluster) ? route.Destination.Name : action.Cluster.Trim();
        return destinations.Find(name) is KubernetesSecretDestination cluster
            ? new RolloutRestartReload(action, cluster, time)
            : throw new SecretDestinationException(SecretDestinationFailure.Invalid, $"Rollout restart: '{name}' is not a kubernetes destination.");
    }

    private WebhookReload Webhook(ReloadActionOptions action) => new(action, httpClients.CreateClient(HttpClientName), time, logger);
}
