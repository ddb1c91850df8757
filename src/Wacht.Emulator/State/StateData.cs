using System.Collections.Concurrent;

namespace Wacht.Emulator;

/// <summary>One loaded world; replaced as a whole on reset.</summary>
internal sealed class StateData
{
    public IdGenerator Ids { get; } = new();

    /// <summary>Deployments in seed order.</summary>
    public List<DeploymentState> Deployments { get; } = [];

    public Dictionary<long, DeploymentState> DeploymentsById { get; } = [];

    public Dictionary<string, DeploymentState> DeploymentsByApiKey { get; } = new(StringComparer.Ordinal);

    /// <summary>Public client_id → client, across all deployments (client ids are globally unique).</summary>
    public ConcurrentDictionary<string, ClientRecord> ClientsByPublicId { get; } = new(StringComparer.Ordinal);

    public void AddDeployment(DeploymentState deployment)
    {
        if (!DeploymentsById.TryAdd(deployment.Id, deployment))
        {
            throw new InvalidDataException($"duplicate deployment id {deployment.IdText}");
        }

        if (!DeploymentsByApiKey.TryAdd(deployment.ApiKey, deployment))
        {
            throw new InvalidDataException($"deployment {deployment.IdText} reuses another deployment's api_key");
        }

        Deployments.Add(deployment);
        Ids.Observe(deployment.Id);
    }
}
