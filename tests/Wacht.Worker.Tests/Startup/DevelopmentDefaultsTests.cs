using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Wacht.Worker.Startup;

namespace Wacht.Worker.Tests.Startup;

/// <summary>Issue 12, "Safe defaults": which environments and settings may run the embedded emulator and the in-memory transport.</summary>
public sealed class DevelopmentDefaultsTests
{
    [Theory]
    // environment, embedded, transport, allow, problems (settings named, '|' between problems; "" for none)
    [InlineData("Development", "true", "InMemory", null, "")]
    [InlineData("Development", "true", null, null, "")]
    [InlineData("Production", "false", "RabbitMq", null, "")]
    [InlineData("Production", "true", "InMemory", "true", "")]
    [InlineData("Production", "true", "InMemory", null, "Worker:Embedded:Enabled|Worker:Messaging:Transport")]
    [InlineData("Production", "false", null, null, "Worker:Messaging:Transport")]
    [InlineData("Production", "false", "inmemory", null, "Worker:Messaging:Transport")]
    [InlineData("Production", "true", "RabbitMq", null, "Worker:Embedded:Enabled")]
    [InlineData("Staging", "true", "RabbitMq", "false", "Worker:Embedded:Enabled")]
    [InlineData("Production", "false", "RabbitMq", "yes", "Worker:AllowDevelopmentDefaults")]
    public void Check(string environment, string? embedded, string? transport, string? allow, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:Embedded:Enabled"] = embedded,
            ["Worker:Messaging:Transport"] = transport,
            ["Worker:AllowDevelopmentDefaults"] = allow,
        }).Build();

        var problems = DevelopmentDefaults.Check(new HostingEnvironment { EnvironmentName = environment }, configuration);

        var settings = expected.Split('|', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(settings.Length, problems.Count);
        for (var i = 0; i < settings.Length; i++)
        {
            Assert.StartsWith(settings[i] + ":", problems[i], StringComparison.Ordinal);
            if (settings[i] != DevelopmentDefaults.AllowSetting)
            {
                Assert.Contains($"{DevelopmentDefaults.AllowSetting}=true", problems[i], StringComparison.Ordinal);
                Assert.Contains(environment, problems[i], StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public void TheEmbeddedEmulatorAndConfiguredDeploymentsTogether_AreRefusedEverywhere(string environment)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:Embedded:Enabled"] = "true",
            ["Worker:AllowDevelopmentDefaults"] = "true",
            ["Wacht:Deployments:7283910238471:BaseUrl"] = "https://api.wacht.dev",
        }).Build();

        var problem = Assert.Single(DevelopmentDefaults.Check(new HostingEnvironment { EnvironmentName = environment }, configuration));

        Assert.StartsWith("Worker:Embedded:Enabled:", problem, StringComparison.Ordinal);
        Assert.Contains("Wacht:Deployments", problem, StringComparison.Ordinal);
    }
}
