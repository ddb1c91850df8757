using k8s;

namespace Wacht.Worker.Secrets.Kubernetes;

/// <summary>Builds the official client for a <c>kubernetes</c> destination: in-cluster service account or kubeconfig.</summary>
internal static class KubernetesConnection
{
    public static IKubernetes Create(KubernetesDestinationOptions options)
    {
        var inCluster = options.InCluster ?? (options.Kubeconfig is null && KubernetesClientConfiguration.IsInCluster());
        var configuration = inCluster
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig, options.Context);

        // Every call also has its own timeout and cancellation (see KubernetesSecretDestination.CallAsync); this one
        // bounds anything the SDK does outside them. The SDK writes no logs of its own (it has no logger), so no request
        // body carrying a secret can end up in a log through it.
        configuration.HttpClientTimeout = options.RequestTimeout + TimeSpan.FromSeconds(5);
        return new k8s.Kubernetes(configuration);
    }
}
