namespace Wacht.Worker.Secrets.Reload;

/// <summary>
/// One reload action of a route (<c>Worker:Secrets:Routes:{i}:Reload:{j}</c>), run after a confirmed delivery.
/// <see cref="Kind"/> decides which settings apply.
/// </summary>
public sealed class ReloadActionOptions
{
    /// <summary>The kind of the rollout restart of Kubernetes workloads.</summary>
    public const string RolloutRestart = "rollout-restart";

    /// <summary>The kind of the signed HTTP webhook.</summary>
    public const string Webhook = "webhook";

    /// <summary><c>rollout-restart</c> or <c>webhook</c>.</summary>
    public string? Kind { get; set; }

    /// <summary>rollout-restart: the name of a <c>kubernetes</c> destination whose cluster connection to use. Default: the route's destination, when it is one.</summary>
    public string? Cluster { get; set; }

    /// <summary>rollout-restart: the namespace of the workloads. Default: that destination's namespace.</summary>
    public string? Namespace { get; set; }

    /// <summary>rollout-restart: Deployments to restart.</summary>
    public List<string> Deployments { get; set; } = [];

    /// <summary>rollout-restart: StatefulSets to restart.</summary>
    public List<string> StatefulSets { get; set; } = [];

    /// <summary>webhook: the URL to POST to (https; http only to a loopback host).</summary>
    public string? Url { get; set; }

    /// <summary>webhook: the shared HMAC-SHA256 key, inline (prefer the two below).</summary>
    public string? SigningKey { get; set; }

    /// <summary>webhook: the environment variable holding the shared key.</summary>
    public string? SigningKeyEnvironmentVariable { get; set; }

    /// <summary>webhook: a file holding the shared key (not readable by group or others).</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>Timeout of one attempt. Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>webhook: attempts in all, retried with exponential backoff on transient failures (5xx, 408, 429, transport, timeout). Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>webhook: the delay before the first retry, doubling after. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
