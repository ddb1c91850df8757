using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wacht.Client;
using Wacht.Emulator;

namespace Wacht.Worker.Tests.Scopes;

/// <summary>
/// An emulator on a free loopback port with one deployment and one app whose scopes cover every state (archived,
/// mapped, custom texts), and a real <see cref="IWachtClient"/> built by <c>AddWachtClient()</c>. One per test.
/// </summary>
internal sealed class ScopeEmulatorWorld : IAsyncDisposable
{
    public const string DeploymentId = "4815162342";
    public const string AppSlug = "reports-api";

    private readonly IHost _host;

    private ScopeEmulatorWorld(WachtEmulator emulator, IHost host)
    {
        Emulator = emulator;
        _host = host;
        Client = host.Services.GetRequiredService<IWachtClientFactory>().GetClient(DeploymentId);
    }

    public WachtEmulator Emulator { get; }

    public IWachtClient Client { get; }

    public static async Task<ScopeEmulatorWorld> StartAsync()
    {
        var apiKey = "wk_scopes_" + Guid.NewGuid().ToString("N");
        var seed = new EmulatorSeed
        {
            Deployments =
            {
                new SeedDeployment
                {
                    Id = DeploymentId,
                    Name = "scope tests",
                    ApiKey = apiKey,
                    OrganizationPermissions = ["reports:view", "reports:admin"],
                    WorkspacePermissions = ["ws:edit"],
                    Apps =
                    {
                        new SeedApp
                        {
                            Slug = AppSlug,
                            Name = "Reports API",
                            Fqdn = "reports.example.com",
                            SupportedScopes = ["reports:read", "reports:write", "legacy:export", "admin", "profile"],
                            ScopeDefinitions =
                            {
                                new SeedScopeDefinition { Scope = "reports:read", DisplayName = "Read reports", Description = "Lets the app read reports" },
                                new SeedScopeDefinition { Scope = "reports:write", Category = "organization" },
                                new SeedScopeDefinition { Scope = "legacy:export", DisplayName = "Legacy export", Archived = true, Category = "organization", OrganizationPermission = "reports:admin" },
                                new SeedScopeDefinition { Scope = "profile", Category = "personal" },
                            },
                        },
                    },
                },
            },
        };

        var emulator = await WachtEmulator.StartAsync(new EmulatorOptions { Seed = seed, FaultRandomSeed = 7 });
        var settings = new Dictionary<string, string?>
        {
            [$"Wacht:Deployments:{DeploymentId}:BaseUrl"] = emulator.BaseAddress.ToString(),
            [$"Wacht:Deployments:{DeploymentId}:ApiKey"] = apiKey,
            [$"Wacht:Deployments:{DeploymentId}:PathStyle"] = "Backend",
            [$"Wacht:Deployments:{DeploymentId}:RequestTimeout"] = "00:00:05",
            [$"Wacht:Deployments:{DeploymentId}:MaxRetries"] = "1",
            [$"Wacht:Deployments:{DeploymentId}:RetryBaseDelay"] = "00:00:00.020",
        };
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddWachtClient();
        var host = builder.Build();
        await host.StartAsync();
        return new ScopeEmulatorWorld(emulator, host);
    }

    public async Task<OAuthApp> ReadAppAsync() => (await Client.ListOAuthAppsAsync()).Single(a => a.Slug == AppSlug);

    /// <summary>Write calls of the scope endpoints this deployment has received.</summary>
    public int WriteCalls() =>
        new[]
        {
            OAuthOperations.UpdateOAuthApp, OAuthOperations.UpdateOAuthScope, OAuthOperations.ArchiveOAuthScope,
            OAuthOperations.UnarchiveOAuthScope, OAuthOperations.SetOAuthScopeMapping,
        }.Sum(op => Emulator.Calls.Count(op, DeploymentId));

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await Emulator.DisposeAsync();
    }
}
