using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Wacht.Client.Tests.Support;

/// <summary>
/// A service provider with AddWachtClient, in-memory configuration, the stub as primary handler and every log
/// (Trace and up, all categories) captured.
/// </summary>
public sealed class WachtTestHost : IAsyncDisposable
{
    public const string DeploymentId = "7283910238471";
    public const string OtherDeploymentId = "9223372036854775807";
    public const string ApiKey = "wk_live_Zx9TestKey_6b1f0c2e4d";
    public const string OtherApiKey = "wk_live_OtherKey_77aa";
    public const string BaseUrl = "https://api.test.local";

    private WachtTestHost(ServiceProvider services, StubHttpHandler handler)
    {
        Services = services;
        Handler = handler;
    }

    public ServiceProvider Services { get; }

    public StubHttpHandler Handler { get; }

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    public IWachtClientFactory Factory => Services.GetRequiredService<IWachtClientFactory>();

    public IWachtClient Client => Factory.GetClient(DeploymentId);

    /// <summary>Settings of the default deployment that keep tests fast: tiny back-off, no breaker surprises.</summary>
    public static Dictionary<string, string?> DefaultSettings(string deploymentId = DeploymentId, string apiKey = ApiKey) => new()
    {
        [$"Wacht:Deployments:{deploymentId}:BaseUrl"] = BaseUrl,
        [$"Wacht:Deployments:{deploymentId}:ApiKey"] = apiKey,
        [$"Wacht:Deployments:{deploymentId}:RetryBaseDelay"] = "00:00:00.010",
        [$"Wacht:Deployments:{deploymentId}:MaxRetryDelay"] = "00:00:00.050",
        [$"Wacht:Deployments:{deploymentId}:CircuitBreaker:MinimumThroughput"] = "100",
    };

    public static WachtTestHost Create(StubHttpHandler handler, Action<Dictionary<string, string?>>? configure = null)
    {
        var settings = DefaultSettings();
        configure?.Invoke(settings);
        return Create(handler, settings);
    }

    public static WachtTestHost Create(StubHttpHandler handler, Dictionary<string, string?> settings)
    {
        var services = BuildServices(settings);
        services.AddWachtClient()
            .ConfigurePrimaryHttpMessageHandler(() => handler)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddHttpClient(WachtServiceCollectionExtensions.RuntimeHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => handler)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        return new WachtTestHost(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }), handler);
    }

    public static ServiceCollection BuildServices(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        return services;
    }

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
