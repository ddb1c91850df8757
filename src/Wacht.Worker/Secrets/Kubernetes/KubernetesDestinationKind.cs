using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Secrets.Kubernetes;

/// <summary>The <c>kubernetes</c> kind; settings: <see cref="KubernetesDestinationOptions"/>.</summary>
internal sealed partial class KubernetesDestinationKind : ISecretDestinationKind
{
    public string Kind => KubernetesSecretDestination.KindName;

    public IEnumerable<string> Validate(string path, IConfigurationSection section)
    {
        KubernetesDestinationOptions options;
        try
        {
            options = Bind(section);
        }
        catch (InvalidOperationException ex)
        {
            return [$"{path}: {ex.Message}"];
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Namespace) || !DnsLabel().IsMatch(options.Namespace))
        {
            failures.Add($"{path}:Namespace: must be set to a valid namespace name, got '{options.Namespace}'");
        }

        if (options.KeyTemplate is not null && SecretKeyTemplate.Validate(options.KeyTemplate) is { } badTemplate)
        {
            failures.Add($"{path}:KeyTemplate: '{options.KeyTemplate}' {badTemplate}");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{path}:RequestTimeout: must be positive (e.g. 00:00:10)");
        }

        if (options.MaxConflictRetries is < 1 or > 20)
        {
            failures.Add($"{path}:MaxConflictRetries: must be between 1 and 20, got {options.MaxConflictRetries}");
        }

        if (options.InCluster == true && options.Kubeconfig is not null)
        {
            failures.Add($"{path}:Kubeconfig: set either InCluster or Kubeconfig, not both");
        }
        else if (options.Kubeconfig is not null && !File.Exists(options.Kubeconfig))
        {
            failures.Add($"{path}:Kubeconfig: the file '{options.Kubeconfig}' does not exist");
        }

        foreach (var label in options.Labels)
        {
            if (!QualifiedName().IsMatch(label.Key) || label.Value.Length > 63 || (label.Value.Length > 0 && !LabelValue().IsMatch(label.Value)))
            {
                failures.Add($"{path}:Labels:{label.Key}: not a valid Kubernetes label '{label.Key}={label.Value}'");
            }
        }

        foreach (var annotation in options.Annotations.Keys.Where(k => !QualifiedName().IsMatch(k) || k.StartsWith("wacht.io/", StringComparison.Ordinal)))
        {
            failures.Add($"{path}:Annotations:{annotation}: not a valid annotation name (the wacht.io/ prefix is the worker's own)");
        }

        if (failures.Count == 0)
        {
            try
            {
                // Local only (kubeconfig or the service account's files): no call to the cluster.
                KubernetesConnection.Create(options).Dispose();
            }
            catch (Exception ex) when (ex is k8s.Exceptions.KubeConfigException or k8s.Exceptions.KubernetesClientException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                failures.Add($"{path}: cannot build the cluster connection ({(options.InCluster == true ? "in-cluster service account" : options.Kubeconfig ?? "default kubeconfig")}): {ex.Message}");
            }
        }

        return failures;
    }

    public ISecretDestination Create(string name, IConfigurationSection section, IServiceProvider services)
    {
        var options = Bind(section);
        return new KubernetesSecretDestination(name, options, KubernetesConnection.Create(options), services.GetService<ILogger<KubernetesSecretDestination>>(), ownsClient: true);
    }

    private static KubernetesDestinationOptions Bind(IConfigurationSection section)
    {
        var options = new KubernetesDestinationOptions();
        section.Bind(options);
        return options;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex QualifiedName();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();
}
