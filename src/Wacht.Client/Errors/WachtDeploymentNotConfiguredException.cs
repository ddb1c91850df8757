namespace Wacht.Client;

/// <summary><see cref="IWachtClientFactory.GetClient"/> was asked for a deployment id that is not configured.</summary>
public sealed class WachtDeploymentNotConfiguredException : WachtConfigurationException
{
    public WachtDeploymentNotConfiguredException(string deploymentId, IReadOnlyCollection<string> configuredDeploymentIds)
        : base(
            deploymentId,
            nameof(IWachtClientFactory.GetClient),
            $"Wacht deployment '{deploymentId}' is not configured. Configured deployments: "
                + (configuredDeploymentIds is { Count: > 0 } ? string.Join(", ", configuredDeploymentIds.Order(StringComparer.Ordinal)) : "(none)")
                + ".")
    {
        ConfiguredDeploymentIds = configuredDeploymentIds ?? [];
    }

    public IReadOnlyCollection<string> ConfiguredDeploymentIds { get; }
}
