using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Wacht.Worker.Embedded;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Hosting;

/// <summary>The worker as Program.cs composes it: refuses to start on bad configuration, and the README's demo works.</summary>
public sealed class WorkerStartupTests
{
    [Fact]
    public async Task Start_WithRotationEnabledAndNoLedgerKey_FailsNamingTheSetting()
    {
        await using var world = await WachtWorld.StartAsync();
        var settings = world.WorkerSettings();
        settings.Remove("Worker:Ledger:EncryptionKey");

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddWachtWorker(builder.Configuration);
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Worker:Ledger:EncryptionKey", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Worker:Rotation:Enabled", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithAnInvalidRabbitMqSetting_FailsNamingTheSetting()
    {
        await using var world = await WachtWorld.StartAsync();
        var settings = world.WorkerSettings();
        settings["Worker:Messaging:RabbitMq:PrefetchCount"] = "0";
        settings["Worker:Messaging:Transport"] = "RabbitMq";

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddWachtWorker(builder.Configuration);
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Worker:Messaging:RabbitMq:PrefetchCount", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embedded_WithConfiguredDeploymentsToo_RefusesToGuessWhichToUse()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:Embedded:Enabled"] = "true",
            ["Wacht:Deployments:7283910238471:BaseUrl"] = "https://api.wacht.dev",
        });

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => EmbeddedEmulator.StartIfEnabledAsync(configuration));

        Assert.Contains("Worker:Embedded:Enabled", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Wacht:Deployments", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_OnTheEmbeddedDefault_RunsOneCommandOfEachKind_AndTheDestinationHoldsTheSecretWachtAccepts()
    {
        var data = Directory.CreateTempSubdirectory("wacht-worker-demo-").FullName;
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Worker:Embedded:Enabled"] = "true",
                ["Worker:Messaging:Transport"] = "InMemory",
                ["Worker:Ledger:SqlitePath"] = Path.Combine(data, "ledger.db"),
                ["Worker:Secrets:File:Directory"] = Path.Combine(data, "secrets"),
                ["Logging:LogLevel:Default"] = "Warning",
            };
            await using var app = await WorkerApp.BuildAsync(
                new WorkerAppOptions { Settings = settings, EnvironmentName = "Development" }, CancellationToken.None);
            using var output = new StringWriter();

            var exitCode = await Demo.DemoRun.RunAsync(app, output, CancellationToken.None);

            var text = output.ToString();
            Assert.True(exitCode == 0, text);
            Assert.Contains("<<< SecretRotated", text, StringComparison.Ordinal);
            Assert.Contains("<<< GrantRevoked", text, StringComparison.Ordinal);
            Assert.Contains("<<< ScopesSynced", text, StringComparison.Ordinal);
            Assert.Contains("Wacht accepts it: True", text, StringComparison.Ordinal);
            Assert.Contains("before the duplicate: 1, after: 1", text, StringComparison.Ordinal);
            Assert.DoesNotContain("oc_secret_", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
