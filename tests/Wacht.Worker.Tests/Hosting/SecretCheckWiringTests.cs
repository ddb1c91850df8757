using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Wacht.Client;
using Wacht.Worker.Embedded;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Hosting;

/// <summary>The worker's Wacht client can check secrets against the emulator: embedded default and test world.</summary>
public sealed class SecretCheckWiringTests
{
    [Fact]
    public async Task Embedded_emulator_serves_the_secret_checks_of_its_deployments()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:Embedded:Enabled"] = "true",
            ["Worker:Embedded:SeedPath"] = Path.Combine(Path.GetTempPath(), "no-such-seed-" + Guid.NewGuid().ToString("N") + ".json"),
        });
        await using var emulator = await EmbeddedEmulator.StartIfEnabledAsync(configuration);
        Assert.NotNull(emulator);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddWachtClient();
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IWachtClientFactory>();
        var wacht = factory.GetClient(Assert.Single(factory.DeploymentIds));

        var app = (await wacht.ListOAuthAppsAsync()).First(a => a.IsActive);
        var client = (await wacht.ListOAuthClientsAsync(app.Slug)).First(c => c.IsActive && ClientAuthMethods.UsesSecret(c.ClientAuthMethod));
        var rotated = await wacht.RotateOAuthClientSecretAsync(app.Slug, client.Id);

        Assert.Equal(SecretCheck.Accepted, await wacht.CheckClientSecretAsync(app.Fqdn, client, rotated.ClientSecret));
        Assert.Equal(SecretCheck.Rejected, await wacht.CheckClientSecretAsync(app.Fqdn, client, new ClientSecret(rotated.ClientSecret.Reveal() + "x")));
    }

    [Fact]
    public async Task Test_world_clients_check_secrets_at_the_worlds_emulator()
    {
        await using var world = await WachtWorld.StartAsync();
        var client = await world.ClientAsync(WachtWorld.PipelineClient);
        var rotated = await world.Wacht.RotateOAuthClientSecretAsync(WachtWorld.AppSlug, client.Id);

        Assert.Equal(SecretCheck.Accepted, await world.Wacht.CheckClientSecretAsync(WachtWorld.AppFqdn, client, rotated.ClientSecret));
        Assert.True(world.WachtAccepts(client.ClientId, rotated.ClientSecret.Reveal()));
        Assert.Equal(1, world.Emulator.Calls.Count("oauthIntrospect", WachtWorld.Deployment));
    }
}
