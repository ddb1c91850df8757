using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Wacht.Client;

/// <summary>Creates and caches one <see cref="WachtClient"/> per configured deployment.</summary>
internal sealed class WachtClientFactory : IWachtClientFactory
{
    private readonly IOptions<WachtOptions> _options;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly WachtApiKeyProviderRegistry _apiKeys;
    private readonly WachtCircuitStateRegistry _circuits;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, WachtClient> _clients = new(StringComparer.Ordinal);
    private readonly Lazy<IReadOnlyCollection<string>> _deploymentIds;

    public WachtClientFactory(
        IOptions<WachtOptions> options,
        IHttpClientFactory httpClientFactory,
        WachtApiKeyProviderRegistry apiKeys,
        WachtCircuitStateRegistry circuits,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        _options = options;
        _httpClientFactory = httpClientFactory;
        _apiKeys = apiKeys;
        _circuits = circuits;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger(Log.CategoryName);
        _deploymentIds = new(() => [.. _options.Value.Deployments.Keys.Order(StringComparer.Ordinal)]);
    }

    public IReadOnlyCollection<string> DeploymentIds => _deploymentIds.Value;

    public IWachtClient GetClient(string deploymentId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deploymentId);
        if (_clients.TryGetValue(deploymentId, out var existing))
        {
            return existing;
        }

        if (!_options.Value.Deployments.TryGetValue(deploymentId, out var deployment) || deployment is null)
        {
            throw new WachtDeploymentNotConfiguredException(deploymentId, DeploymentIds);
        }

        return _clients.GetOrAdd(
            deploymentId,
            static (id, state) => new WachtClient(
                id, state.deployment, state.self._httpClientFactory, state.self._apiKeys, state.self._circuits, state.self._timeProvider, state.self._logger),
            (self: this, deployment));
    }
}
