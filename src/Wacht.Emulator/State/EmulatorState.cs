using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Wacht.Emulator;

/// <summary>
/// The emulator's in-memory model. Thread-safe: every deployment has its own lock and a reset swaps
/// the whole world atomically.
/// </summary>
public sealed class EmulatorState
{
    private volatile StateData _data;

    internal EmulatorState(TimeProvider timeProvider, string signingKeyAlgorithm, EmulatorSeed seed)
    {
        TimeProvider = timeProvider;
        SigningKeyAlgorithm = signingKeyAlgorithm;
        _data = SeedImporter.Build(seed, this);
    }

    public TimeProvider TimeProvider { get; }

    /// <summary>Algorithm of generated app signing keys (<c>RS256</c> or <c>ES256</c>).</summary>
    public string SigningKeyAlgorithm { get; }

    /// <summary>Deployments with their counts (a snapshot).</summary>
    public IReadOnlyList<DeploymentSummary> Deployments
    {
        get
        {
            var data = _data;
            var result = new List<DeploymentSummary>(data.Deployments.Count);
            foreach (var deployment in data.Deployments)
            {
                lock (deployment.Gate)
                {
                    var clients = 0;
                    var grants = 0;
                    foreach (var app in deployment.Apps)
                    {
                        clients += app.Clients.Count;
                        foreach (var client in app.Clients)
                        {
                            grants += client.Grants.Count;
                        }
                    }

                    result.Add(new DeploymentSummary(deployment.IdText, deployment.Name, deployment.Mode, deployment.Apps.Count, clients, grants));
                }
            }

            return result;
        }
    }

    internal StateData Data => _data;

    internal DateTimeOffset Now => Timestamps.Truncate(TimeProvider.GetUtcNow());

    /// <summary>The backend API key of a deployment (for tests and the embedded worker).</summary>
    public string GetApiKey(string deploymentId)
    {
        ArgumentNullException.ThrowIfNull(deploymentId);
        return long.TryParse(deploymentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && _data.DeploymentsById.TryGetValue(id, out var deployment)
            ? deployment.ApiKey
            : throw new KeyNotFoundException($"no deployment {deploymentId}");
    }

    /// <summary>
    /// True only when <paramref name="clientId"/> (the public client_id) names an active client with a
    /// secret-using auth method whose current secret is <paramref name="clientSecret"/>.
    /// </summary>
    public bool IsCurrentSecret(string clientId, string clientSecret)
    {
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(clientSecret)
            || !_data.ClientsByPublicId.TryGetValue(clientId, out var client))
        {
            return false;
        }

        lock (client.Deployment.Gate)
        {
            return client.IsActive
                && ClientSecrets.UsesSecret(client.ClientAuthMethod)
                && ClientSecrets.Matches(client.SecretHash, clientSecret);
        }
    }

    /// <summary>
    /// The signing keys of an app, oldest first, compromised ones included (the wire listing hides them), with their
    /// creation and retirement times. Like the listing, this creates the app's first key when it has none yet.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such deployment or app.</exception>
    public IReadOnlyList<EmulatorSigningKey> GetSigningKeys(string deploymentId, string appSlug)
    {
        ArgumentNullException.ThrowIfNull(deploymentId);
        ArgumentNullException.ThrowIfNull(appSlug);
        var data = _data;
        if (!long.TryParse(deploymentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !data.DeploymentsById.TryGetValue(id, out var deployment))
        {
            throw new KeyNotFoundException($"no deployment {deploymentId}");
        }

        lock (deployment.Gate)
        {
            return deployment.AppsBySlug.TryGetValue(appSlug, out var app)
                ? [.. SigningKeys.Ensure(app, data, SigningKeyAlgorithm).Select(k => new EmulatorSigningKey(k.Kid, k.Algorithm, k.Status, k.CreatedAt, k.RetiredAt))]
                : throw new KeyNotFoundException($"no app '{appSlug}' in deployment {deploymentId}");
        }
    }

    /// <summary>Replaces the whole state with <paramref name="seed"/>.</summary>
    public void Load(EmulatorSeed seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        _data = SeedImporter.Build(seed, this);
    }

    internal DeploymentState? FindByApiKey(string apiKey)
    {
        var data = _data;
        if (!data.DeploymentsByApiKey.TryGetValue(apiKey, out var deployment))
        {
            return null;
        }

        // Dictionary lookup already matched; compare again in constant time for good form.
        return FixedTimeEquals(deployment.ApiKey, apiKey) ? deployment : null;
    }

    internal DeploymentState? FindById(long id) => _data.DeploymentsById.GetValueOrDefault(id);

    internal static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
}
