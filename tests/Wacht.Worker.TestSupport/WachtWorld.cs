using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Wacht.Client;
using Wacht.Emulator;

namespace Wacht.Worker.TestSupport;

/// <summary>
/// One emulator on a free loopback port seeded with one deployment and app, a fresh data directory (ledger file,
/// secrets directory) and the worker settings that point at both. Every test builds its own world, so no test sees
/// another's state. The checks read the destination's files and ask the emulator directly, independent of the
/// worker's own code.
/// </summary>
public sealed class WachtWorld : IAsyncDisposable
{
    public const string Deployment = "7283910238471";
    public const string UnknownDeployment = "5550001112223";
    public const string AppSlug = "analytics-api";

    /// <summary>The app's fqdn: the Host of its runtime endpoints (introspect) on the emulator.</summary>
    public const string AppFqdn = "analytics.example.com";

    /// <summary>client_secret_basic, active, with an active, an expired-but-active and a revoked grant.</summary>
    public const string ServiceClient = "reporting-service";

    /// <summary>client_secret_post, active.</summary>
    public const string PipelineClient = "etl-pipeline";

    /// <summary>Auth method none: no secret to rotate.</summary>
    public const string PublicClient = "dashboard-spa";

    /// <summary>client_secret_post, deactivated.</summary>
    public const string InactiveClient = "retired-service";

    /// <summary>client_secret_jwt, active.</summary>
    public const string JwtClient = "signing-service";

    /// <summary>client_secret_post, active, with a client_id containing '/' (the file destination cannot name a file after it).</summary>
    public const string SlashedClient = "odd-id-service";

    public const string RotateOperation = "rotateOAuthClientSecret";
    public const string RevokeOperation = "revokeOAuthGrant";

    private readonly ServiceProvider _clients;

    private readonly IReadOnlyDictionary<string, string> _seededSecrets;

    private WachtWorld(WachtEmulator emulator, string apiKey, string dataDirectory, ServiceProvider clients, IReadOnlyDictionary<string, string> seededSecrets)
    {
        _seededSecrets = seededSecrets;
        Emulator = emulator;
        ApiKey = apiKey;
        DataDirectory = dataDirectory;
        _clients = clients;
        EncryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    }

    public WachtEmulator Emulator { get; }

    /// <summary>The deployment's API key (random per world): a test asserts it never shows up where it should not.</summary>
    public string ApiKey { get; }

    public string DataDirectory { get; }

    public string LedgerPath => Path.Combine(DataDirectory, "ledger.db");

    public string SecretsDirectory => Path.Combine(DataDirectory, "secrets");

    /// <summary>The ledger's AES-256 key (random per world).</summary>
    public string EncryptionKey { get; }

    /// <summary>A Wacht client on the emulator, for arranging and checking state (not the worker's own client).</summary>
    public IWachtClient Wacht => _clients.GetRequiredService<IWachtClientFactory>().GetClient(Deployment);

    /// <summary>How many times rotate was called at the emulator.</summary>
    public int RotateCalls => Emulator.Calls.Count(RotateOperation, Deployment);

    /// <summary>How many times revoke was called at the emulator.</summary>
    public int RevokeCalls => Emulator.Calls.Count(RevokeOperation, Deployment);

    public static async Task<WachtWorld> StartAsync()
    {
        var apiKey = "wk_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var seededSecrets = new Dictionary<string, string>(StringComparer.Ordinal);
        var emulator = await WachtEmulator.StartAsync(new EmulatorOptions { Seed = Seed(apiKey, seededSecrets), FaultRandomSeed = 11 });
        var dataDirectory = Directory.CreateTempSubdirectory("wacht-worker-test-").FullName;

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(
            new ConfigurationBuilder().AddInMemoryCollection(ClientSettings(emulator.BaseAddress, apiKey)).Build());
        services.AddLogging();
        services.AddWachtClient();
        return new WachtWorld(emulator, apiKey, dataDirectory, services.BuildServiceProvider(), seededSecrets);
    }

    /// <summary>
    /// Settings for a worker pointed at this world: the deployment, the ledger file and key, the secrets directory and a
    /// short retry budget (3 retries, tens of milliseconds apart) so failure paths finish quickly.
    /// </summary>
    public Dictionary<string, string?> WorkerSettings()
    {
        var settings = ClientSettings(Emulator.BaseAddress, ApiKey);
        settings["Worker:Ledger:Provider"] = "Sqlite";
        settings["Worker:Ledger:SqlitePath"] = LedgerPath;
        settings["Worker:Ledger:EncryptionKey"] = EncryptionKey;
        settings["Worker:Secrets:Destination"] = "File";
        settings["Worker:Secrets:File:Directory"] = SecretsDirectory;
        settings["Worker:Messaging:Retry:Limit"] = "3";
        settings["Worker:Messaging:Retry:MinInterval"] = "00:00:00.020";
        settings["Worker:Messaging:Retry:MaxInterval"] = "00:00:00.200";
        settings["Worker:Messaging:Retry:IntervalDelta"] = "00:00:00.020";

        // The emulator answers at once or never (a lost response is dropped after it acted): a rotate call whose answer
        // was lost settles within a moment, not the production default's minutes. The late-call tests set their own.
        settings["Worker:Rotation:InFlightWindow"] = "00:00:00.300";

        // Test hosts don't run the cron jobs (an hourly audit firing mid-test would publish findings); the scheduling
        // tests turn it back on.
        settings["Worker:Scheduling:Enabled"] = "false";
        return settings;
    }

    /// <summary>The secret a client was seeded with (before any rotation): a test asserts it never shows up where it should not.</summary>
    public string SeededSecret(string clientName) => _seededSecrets[clientName];

    public async Task<OAuthClient> ClientAsync(string clientName)
    {
        var clients = await Wacht.ListOAuthClientsAsync(AppSlug);
        return clients.Single(c => c.ClientName == clientName);
    }

    public async Task<IReadOnlyList<OAuthGrant>> GrantsAsync(string clientName) =>
        await Wacht.ListOAuthGrantsAsync(AppSlug, (await ClientAsync(clientName)).Id);

    /// <summary>The secret the destination's file holds for a client (read straight from the file), or null.</summary>
    public string? SecretAtDestination(string clientId)
    {
        var path = Path.Combine(SecretsDirectory, Deployment, AppSlug, clientId + ".json");
        if (!File.Exists(path))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("client_secret").GetString();
    }

    /// <summary>Whether Wacht (the emulator) accepts this secret for the client right now.</summary>
    public bool WachtAccepts(string clientId, string? secret) => secret is not null && Emulator.IsCurrentSecret(clientId, secret);

    /// <summary>Every file under the data directory, as text: for checking that no secret sits where it should not.</summary>
    public IEnumerable<(string Path, byte[] Content)> DataFiles() =>
        Directory.EnumerateFiles(DataDirectory, "*", SearchOption.AllDirectories).Select(p => (p, File.ReadAllBytes(p)));

    public async ValueTask DisposeAsync()
    {
        await _clients.DisposeAsync();
        await Emulator.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a host being torn down; the temp directory is cleaned up by the OS.
        }
    }

    private static Dictionary<string, string?> ClientSettings(Uri baseAddress, string apiKey) => new()
    {
        [$"Wacht:Deployments:{Deployment}:BaseUrl"] = baseAddress.ToString(),
        [$"Wacht:Deployments:{Deployment}:ApiKey"] = apiKey,
        [$"Wacht:Deployments:{Deployment}:PathStyle"] = "Backend",

        // Secret checks (introspect) go to the same emulator port with Host: analytics.example.com.
        [$"Wacht:Deployments:{Deployment}:RuntimeBaseUrl"] = baseAddress.ToString(),
        [$"Wacht:Deployments:{Deployment}:RequestTimeout"] = "00:00:02",
        [$"Wacht:Deployments:{Deployment}:MaxRetries"] = "2",
        [$"Wacht:Deployments:{Deployment}:RetryBaseDelay"] = "00:00:00.020",
        [$"Wacht:Deployments:{Deployment}:MaxRetryAfter"] = "00:00:05",
        [$"Wacht:Deployments:{Deployment}:CircuitBreaker:MinimumThroughput"] = "1000",
    };

    private static EmulatorSeed Seed(string apiKey, Dictionary<string, string> secrets)
    {
        string NewSecret(string clientName) => secrets[clientName] = RandomSecret();

        var now = DateTimeOffset.UtcNow;
        var seed = new EmulatorSeed();
        seed.Deployments.Add(new SeedDeployment
        {
            Id = Deployment,
            Name = "worker tests",
            ApiKey = apiKey,
            OrganizationPermissions = ["org:reports:read", "org:admin"],
            WorkspacePermissions = ["ws:reports:edit"],
            Apps =
            [
                new SeedApp
                {
                    Slug = AppSlug,
                    Name = "Analytics API",
                    Fqdn = AppFqdn,
                    SupportedScopes = ["read:reports", "write:reports", "admin", "legacy:export"],
                    ScopeDefinitions =
                    [
                        new SeedScopeDefinition { Scope = "read:reports", DisplayName = "Read reports", Description = "Read every report", Category = "organization", OrganizationPermission = "org:reports:read" },
                        new SeedScopeDefinition { Scope = "write:reports", DisplayName = "Write reports", Description = "Create and edit reports" },
                        new SeedScopeDefinition { Scope = "admin", DisplayName = "Administer", Description = "Everything", Category = "personal" },
                        new SeedScopeDefinition { Scope = "legacy:export", DisplayName = "Legacy export", Description = "Old export", Archived = true },
                    ],
                    Clients =
                    [
                        new SeedClient
                        {
                            ClientName = ServiceClient,
                            ClientAuthMethod = "client_secret_basic",
                            GrantTypes = ["client_credentials"],
                            ClientSecret = NewSecret(ServiceClient),
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
                            ClientName = PipelineClient,
                            ClientAuthMethod = "client_secret_post",
                            GrantTypes = ["client_credentials"],
                            ClientSecret = NewSecret(PipelineClient),
                            CreatedAt = now.AddDays(-30),
                        },
                        new SeedClient
                        {
                            ClientName = PublicClient,
                            ClientAuthMethod = "none",
                            RedirectUris = ["https://dashboard.example.com/callback"],
                        },
                        new SeedClient
                        {
                            ClientName = JwtClient,
                            ClientAuthMethod = "client_secret_jwt",
                            GrantTypes = ["client_credentials"],
                            ClientSecret = NewSecret(JwtClient),
                            CreatedAt = now.AddDays(-60),
                        },
                        new SeedClient
                        {
                            // A client_id no file name can carry: its secret has nowhere to go in the file destination.
                            ClientName = SlashedClient,
                            ClientId = "oc_odd/client",
                            ClientAuthMethod = "client_secret_post",
                            GrantTypes = ["client_credentials"],
                            ClientSecret = NewSecret(SlashedClient),
                            CreatedAt = now.AddDays(-60),
                        },
                        new SeedClient
                        {
                            ClientName = InactiveClient,
                            ClientAuthMethod = "client_secret_post",
                            GrantTypes = ["client_credentials"],
                            ClientSecret = NewSecret(InactiveClient),
                            IsActive = false,
                        },
                    ],
                },
            ],
        });
        return seed;
    }

    private static string RandomSecret() =>
        "oc_secret_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
