namespace Wacht.Client;

/// <summary>Hands out the <see cref="IWachtClient"/> of a configured deployment.</summary>
public interface IWachtClientFactory
{
    /// <summary>The configured deployment ids, in ordinal order.</summary>
    IReadOnlyCollection<string> DeploymentIds { get; }

    /// <summary>
    /// The client of <paramref name="deploymentId"/> (the same instance on every call).
    /// </summary>
    /// <exception cref="ArgumentException">The id is null or blank.</exception>
    /// <exception cref="WachtDeploymentNotConfiguredException">The id is not configured.</exception>
    IWachtClient GetClient(string deploymentId);
}
