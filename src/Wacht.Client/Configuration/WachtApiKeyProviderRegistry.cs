using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Wacht.Client;

/// <summary>One <see cref="WachtApiKeyProvider"/> per configured deployment.</summary>
internal sealed class WachtApiKeyProviderRegistry
{
    private readonly IOptions<WachtOptions> _options;
    private readonly WachtClientRegistration _registration;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, WachtApiKeyProvider> _providers = new(StringComparer.Ordinal);

    public WachtApiKeyProviderRegistry(IOptions<WachtOptions> options, WachtClientRegistration registration, ILoggerFactory loggerFactory)
    {
        _options = options;
        _registration = registration;
        _logger = loggerFactory.CreateLogger(Log.CategoryName);
    }

    public WachtApiKeyProvider Get(string deploymentId) =>
        _providers.GetOrAdd(deploymentId, static (id, self) =>
        {
            var deployments = self._options.Value.Deployments;
            if (!deployments.TryGetValue(id, out var deployment) || deployment is null)
            {
                throw new WachtDeploymentNotConfiguredException(id, deployments.Keys);
            }

            return new WachtApiKeyProvider(id, self._registration.DeploymentSettingPath(id), deployment, self._logger);
        }, this);

    /// <summary>The last key handed out for the deployment, for redaction; null when none yet.</summary>
    public string? LastKnownKey(string deploymentId) =>
        _providers.TryGetValue(deploymentId, out var provider) ? provider.LastKnownKey : null;
}
