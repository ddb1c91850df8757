using System.Globalization;
using k8s;
using k8s.Models;
using Wacht.Worker.Secrets.Kubernetes;

namespace Wacht.Worker.Secrets.Reload;

/// <summary>
/// Restarts Deployments and StatefulSets the way <c>kubectl rollout restart</c> does: a strategic merge patch that sets
/// <c>spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]</c> to the current time, so the
/// controller rolls the pods, which then read the new Secret. Uses the cluster connection of a <c>kubernetes</c>
/// destination (its timeouts and error handling). Not retried: a failed patch is reported, and the next rotation restarts again.
/// </summary>
internal sealed class RolloutRestartReload(ReloadActionOptions options, KubernetesSecretDestination cluster, TimeProvider time)
{
    public const string RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";

    private string Namespace => options.Namespace ?? cluster.Namespace;

    /// <summary>Each workload as (resource, name).</summary>
    public IEnumerable<(string Resource, string Name)> Workloads =>
        options.Deployments.Select(d => ("deployments", d)).Concat(options.StatefulSets.Select(s => ("statefulsets", s)));

    public string TargetOf(string resource, string name) => $"{Namespace}/{resource.TrimEnd('s')}/{name}";

    /// <summary>Checks with SelfSubjectAccessReview that the worker may patch every workload.</summary>
    public async Task PreflightAsync(CancellationToken cancellationToken)
    {
        var denied = new List<string>();
        foreach (var (resource, name) in Workloads)
        {
            if (!await cluster.CanAsync("patch", "apps", resource, name, cancellationToken, Namespace))
            {
                denied.Add(TargetOf(resource, name));
            }
        }

        if (denied.Count > 0)
        {
            throw new SecretDestinationException(
                SecretDestinationFailure.Forbidden,
                $"Rollout restart: the worker may not patch {string.Join(", ", denied)} (SelfSubjectAccessReview). Grant it patch on deployments/statefulsets in namespace {Namespace}.");
        }
    }

    public async Task<ReloadResult> RunAsync(string resource, string name, CancellationToken cancellationToken)
    {
        var restartedAt = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var patch = new V1Patch(
            new Dictionary<string, object>
            {
                ["spec"] = new Dictionary<string, object>
                {
                    ["template"] = new Dictionary<string, object>
                    {
                        ["metadata"] = new Dictionary<string, object>
                        {
                            ["annotations"] = new Dictionary<string, string> { [RestartedAtAnnotation] = restartedAt },
                        },
                    },
                },
            },
            V1Patch.PatchType.StrategicMergePatch);
        var target = TargetOf(resource, name);
        try
        {
            if (resource == "deployments")
            {
                await cluster.CallAsync($"restart {target}", ct => cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(patch, name, Namespace, cancellationToken: ct), cancellationToken, timeout: options.Timeout);
            }
            else
            {
                await cluster.CallAsync($"restart {target}", ct => cluster.Client.AppsV1.PatchNamespacedStatefulSetAsync(patch, name, Namespace, cancellationToken: ct), cancellationToken, timeout: options.Timeout);
            }

            return new ReloadResult(ReloadActionOptions.RolloutRestart, target, true, $"restarted at {restartedAt}");
        }
        catch (SecretDestinationException ex)
        {
            return new ReloadResult(ReloadActionOptions.RolloutRestart, target, false, ex.Message);
        }
    }
}
