namespace Wacht.Worker.Secrets.Kubernetes;

/// <summary>Settings of a <c>kubernetes</c> destination (<c>Worker:Secrets:Destinations:{name}</c>).</summary>
public sealed class KubernetesDestinationOptions
{
    /// <summary>The namespace the Secrets are written to. Required.</summary>
    public string? Namespace { get; set; }

    /// <summary>The Secret name template when the route names none. Default <c>wacht-{appSlug}-{oauthClientId}</c>.</summary>
    public string? KeyTemplate { get; set; }

    /// <summary>Labels put on every Secret (besides <c>app.kubernetes.io/managed-by: wacht-worker</c>).</summary>
    public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>Annotations put on every Secret (besides the worker's own <c>wacht.io/*</c> ones).</summary>
    public Dictionary<string, string> Annotations { get; set; } = [];

    /// <summary>
    /// Use the pod's service account (token and CA under <c>/var/run/secrets/kubernetes.io/serviceaccount</c>). Default:
    /// when the worker runs in a cluster and <see cref="Kubeconfig"/> is not set.
    /// </summary>
    public bool? InCluster { get; set; }

    /// <summary>A kubeconfig file; default <c>$KUBECONFIG</c> or <c>~/.kube/config</c> (outside a cluster).</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>The kubeconfig context; default its current context.</summary>
    public string? Context { get; set; }

    /// <summary>Timeout of one API call. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a write that lost a race (409) is re-read and re-decided before giving up. Default 5.</summary>
    public int MaxConflictRetries { get; set; } = 5;
}
