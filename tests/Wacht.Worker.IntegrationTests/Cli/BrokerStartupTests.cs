using Wacht.Worker.IntegrationTests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests.Cli;

/// <summary>
/// Issue 9, defect 8, through the real executable: a broker that refuses the login, does not answer or has no such
/// virtual host stops the start with one clear error naming the setting, without a stack trace or the password.
/// </summary>
public sealed class BrokerStartupTests
{
    [Theory]
    [InlineData("password", "Worker:Messaging:RabbitMq:Password")]
    [InlineData("virtual-host", "Worker:Messaging:RabbitMq:VirtualHost")]
    [InlineData("port", "Worker:Messaging:RabbitMq:Port")]
    public async Task ABrokerThatRefusesTheConnection_IsAStartupError_NamingTheSetting(string broken, string setting)
    {
        await using var world = await WachtWorld.StartAsync();
        var broker = await RabbitMqBroker.GetAsync();
        await using var vhost = await broker.CreateVirtualHostAsync();
        var settings = world.WorkerSettings();
        vhost.Apply(settings);
        settings["Worker:Embedded:Enabled"] = "false";
        const string wrongPassword = "not-the-password-7f3c";
        switch (broken)
        {
            case "password":
                settings["Worker:Messaging:RabbitMq:Password"] = wrongPassword;
                break;
            case "virtual-host":
                settings["Worker:Messaging:RabbitMq:VirtualHost"] = vhost.Name + "-missing";
                break;
            default:
                settings["Worker:Messaging:RabbitMq:Port"] = "1";
                break;
        }

        foreach (var args in new[] { Array.Empty<string>(), ["sweep", "--dry-run"] })
        {
            var run = await WorkerProcess.RunAsync(args, settings, timeout: TimeSpan.FromMinutes(2));

            Assert.False(run.TimedOut, "the process did not exit: " + run);
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.False(run.HasStackTrace, run.ToString());
            Assert.Contains(setting, run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(wrongPassword, run.All, StringComparison.Ordinal);
        }

        Assert.Equal(0, world.RotateCalls);
    }
}
