using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wacht.Emulator;

namespace Wacht.Client.IntegrationTests;

/// <summary>
/// One emulator on a free loopback port and one host with <c>AddWachtClient()</c> pointed at it, two deployments:
/// <see cref="BackendDeployment"/> uses the backend path style, <see cref="PlatformDeployment"/> (an id above 2^53)
/// the platform path style. Each test builds its own world, so no test sees another's state.
/// </summary>
public sealed class World : IAsyncDisposable
{
    public const string BackendDeployment = "7283910238471";
    public const string PlatformDeployment = "9007199254740993";
    public const string AppSlug = "analytics-api";
    public const string ServiceClientName = "reporting-service";
    public const string PublicClientName = "dashboard-spa";

    private readonly RequestBodies _runtimeRequests;

    private readonly IHost _host;

    private World(
        WachtEmulator emulator,
        IHost host,
        CapturedLogs logs,
        IReadOnlyDictionary<string, string> apiKeys,
        IReadOnlyDictionary<string, string> seededSecrets,
        RequestBodies runtimeRequests)
    {
        _runtimeRequests = runtimeRequests;
        Emulator = emulator;
        _host = host;
        Logs = logs;
        ApiKeys = apiKeys;
        SeededSecrets = seededSecrets;
    }

    public WachtEmulator Emulator { get; }

    public CapturedLogs Logs { get; }

    /// <summary>API key per deployment id (random per world).</summary>
    public IReadOnlyDictionary<string, string> ApiKeys { get; }

    /// <summary>The secret the emulator was seeded with, per deployment, for <see cref="ServiceClientName"/>.</summary>
    public IReadOnlyDictionary<string, string> SeededSecrets { get; }

    public IWachtClientFactory Factory => _host.Services.GetRequiredService<IWachtClientFactory>();

    public IWachtClient Client(string deploymentId) => Factory.GetClient(deploymentId);

    /// <summary>The form bodies of the secret checks the client sent (runtime endpoint), in order.</summary>
    public IReadOnlyList<string> RuntimeRequestBodies => _runtimeRequests.All;

    /// <summary>The fqdn of the seeded app of a deployment (each deployment's app has its own: the Host selects the app).</summary>
    public static string AppFqdn(string deploymentId) =>
        deploymentId == BackendDeployment ? "analytics.example.com" : "analytics-eu.example.com";

    /// <param name="requests">When given, counts every request the client sends (each attempt), routed or not.</param>
    public static async Task<World> StartAsync(
        Action<Dictionary<string, string?>>? configure = null,
        Action<EmulatorOptions>? configureEmulator = null,
        RequestCounter? requests = null)
    {
        var apiKeys = new Dictionary<string, string>
        {
            [BackendDeployment] = "wk_it_" + RandomToken(),
            [PlatformDeployment] = "wk_it_" + RandomToken(),
        };
        var secrets = new Dictionary<string, string>
        {
            [BackendDeployment] = NewSecret(),
            [PlatformDeployment] = NewSecret(),
        };

        var seed = new EmulatorSeed();
        foreach (var id in new[] { BackendDeployment, PlatformDeployment })
        {
            seed.Deployments.Add(Deployment(id, apiKeys[id], secrets[id]));
        }

        var emulatorOptions = new EmulatorOptions { Seed = seed, FaultRandomSeed = 7 };
        configureEmulator?.Invoke(emulatorOptions);
        var emulator = await WachtEmulator.StartAsync(emulatorOptions);

        var settings = new Dictionary<string, string?>
        {
            [$"Wacht:Deployments:{BackendDeployment}:BaseUrl"] = emulator.BaseAddress.ToString(),
            [$"Wacht:Deployments:{BackendDeployment}:ApiKey"] = apiKeys[BackendDeployment],
            [$"Wacht:Deployments:{BackendDeployment}:PathStyle"] = "Backend",
            [$"Wacht:Deployments:{PlatformDeployment}:BaseUrl"] = emulator.BaseAddress.ToString(),
            [$"Wacht:Deployments:{PlatformDeployment}:ApiKey"] = apiKeys[PlatformDeployment],
            [$"Wacht:Deployments:{PlatformDeployment}:PathStyle"] = "Platform",
        };
        foreach (var id in apiKeys.Keys)
        {
            settings[$"Wacht:Deployments:{id}:RequestTimeout"] = "00:00:02";
            settings[$"Wacht:Deployments:{id}:MaxRetries"] = "3";
            settings[$"Wacht:Deployments:{id}:RetryBaseDelay"] = "00:00:00.050";
            settings[$"Wacht:Deployments:{id}:CircuitBreaker:MinimumThroughput"] = "100";

            // Secret checks go to the emulator's port with Host: the app's fqdn.
            settings[$"Wacht:Deployments:{id}:RuntimeBaseUrl"] = emulator.BaseAddress.ToString();
        }

        configure?.Invoke(settings);

        var logs = new CapturedLogs();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        var http = builder.Services.AddWachtClient();
        if (requests is not null)
        {
            // Added after AddWachtClient, so it sits under the resilience pipeline: it sees every attempt.
            http.AddHttpMessageHandler(requests.CreateHandler);
        }

        var runtimeRequests = new RequestBodies();
        builder.Services.AddHttpClient(WachtServiceCollectionExtensions.RuntimeHttpClientName)
            .AddHttpMessageHandler(() => new RecordingHandler(runtimeRequests));
        var host = builder.Build();
        await host.StartAsync();
        return new World(emulator, host, logs, apiKeys, secrets, runtimeRequests);
    }

    /// <summary>Finds a client of the seeded app by its client name.</summary>
    public async Task<OAuthClient> FindClientAsync(string deploymentId, string clientName)
    {
        var clients = await Client(deploymentId).ListOAuthClientsAsync(AppSlug);
        return clients.Single(c => c.ClientName == clientName);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await Emulator.DisposeAsync();
    }

    public static string NewSecret() =>
        "oc_secret_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string RandomToken() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    private static SeedDeployment Deployment(string id, string apiKey, string secret)
    {
        var now = DateTimeOffset.UtcNow;
        return new SeedDeployment
        {
            Id = id,
            Name = $"deployment {id}",
            ApiKey = apiKey,
            OrganizationPermissions = ["org:reports:read", "org:admin"],
            WorkspacePermissions = ["ws:reports:edit"],
            Apps =
            [
                new SeedApp
                {
                    Slug = AppSlug,
                    Name = "Analytics API",
                    Fqdn = AppFqdn(id),
                    SupportedScopes = ["read:reports", "write:reports", "admin"],
                    Clients =
                    [
                        new SeedClient
                        {
                            ClientName = ServiceClientName,
                            ClientAuthMethod = "client_secret_basic",
                            GrantTypes = ["client_credentials"],
                            ClientSecret = secret,
                            CreatedAt = now.AddDays(-120),
                            Grants =
                            [
                                new SeedGrant { Resource = "https://analytics.example.com", Scopes = ["read:reports"], GrantedAt = now.AddDays(-3), GrantedByUserId = "9223372036854775807" },
                                new SeedGrant { Resource = "https://analytics.example.com", Scopes = ["write:reports"], GrantedAt = now.AddDays(-2), ExpiresAt = now.AddDays(-1) },
                                new SeedGrant { Resource = "https://analytics.example.com", Scopes = ["admin"], Status = "revoked", GrantedAt = now.AddDays(-10), RevokedAt = now.AddDays(-5) },
                            ],
                        },
                        new SeedClient
                        {
                            ClientName = PublicClientName,
                            ClientAuthMethod = "none",
                            RedirectUris = ["https://dashboard.example.com/callback"],
                        },
                    ],
                },
            ],
        };
    }

    /// <summary>The bodies of the requests a <see cref="RecordingHandler"/> passed on.</summary>
    private sealed class RequestBodies
    {
        private readonly List<string> _bodies = [];

        public IReadOnlyList<string> All
        {
            get
            {
                lock (_bodies)
                {
                    return [.. _bodies];
                }
            }
        }

        public void Add(string body)
        {
            lock (_bodies)
            {
                _bodies.Add(body);
            }
        }
    }

    /// <summary>Records the bodies of the requests it passes on (to replay a client assertion in a test).</summary>
    private sealed class RecordingHandler(RequestBodies sink) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null)
            {
                sink.Add(await request.Content.ReadAsStringAsync(cancellationToken));
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
