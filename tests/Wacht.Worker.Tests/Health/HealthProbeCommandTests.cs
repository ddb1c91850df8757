using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Wacht.Worker.Health;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Health;

/// <summary><c>Wacht.Worker healthcheck</c> (the container HEALTHCHECK) and the lifetime check.</summary>
public sealed class HealthProbeCommandTests
{
    [Theory]
    [InlineData(null, null, false, "http://127.0.0.1:8080/health/live")]
    [InlineData("9090", null, false, "http://127.0.0.1:9090/health/live")]
    [InlineData(null, "0.0.0.0", true, "http://127.0.0.1:8080/health/ready")]
    [InlineData(null, "::", false, "http://127.0.0.1:8080/health/live")]
    [InlineData(null, "::1", false, "http://[::1]:8080/health/live")]
    [InlineData("8081", "10.1.2.3", false, "http://10.1.2.3:8081/health/live")]
    public void ProbeUrl_FollowsTheListenersSettings(string? port, string? bindAddress, bool ready, string expected)
    {
        var settings = new Dictionary<string, string?>();
        if (port is not null)
        {
            settings["Worker:Health:Port"] = port;
        }

        if (bindAddress is not null)
        {
            settings["Worker:Health:BindAddress"] = bindAddress;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        Assert.Equal(new Uri(expected), HealthProbeCommand.ProbeUrl(configuration, ready));
    }

    [Fact]
    public async Task Healthcheck_AgainstALiveWorker_ExitsZero_AndWithNobodyListening_ExitsOne()
    {
        await using var world = await WachtWorld.StartAsync();
        await using var worker = await OperatedWorker.StartAsync(world.WorkerSettings());
        using var output = new StringWriter();
        using var error = new StringWriter();

        var live = await WorkerCli.RunAsync(
            ["healthcheck", "--set", $"Worker:Health:Port={worker.HealthAddress.Port}", "--set", "Worker:Health:BindAddress=127.0.0.1"], output, error);
        var ready = await WorkerCli.RunAsync(
            ["healthcheck", "--ready", "--set", $"Worker:Health:Port={worker.HealthAddress.Port}", "--set", "Worker:Health:BindAddress=127.0.0.1"], output, error);
        var nobody = await WorkerCli.RunAsync(
            ["healthcheck", "--set", $"Worker:Health:Port={FreePort()}", "--set", "Worker:Health:BindAddress=127.0.0.1", "--timeout", "2"], output, error);

        Assert.Equal((0, 0, 1), (live, ready, nobody));
        Assert.Contains("/health/live: 200", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("/health/ready: 200", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("no answer", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostCheck_IsReadyOnlyBetweenStartedAndStopping()
    {
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        var check = new HostLifetimeHealthCheck(lifetime);
        var context = new HealthCheckContext();

        var starting = await check.CheckHealthAsync(context);
        lifetime.NotifyStarted();
        var started = await check.CheckHealthAsync(context);
        lifetime.StopApplication();
        var stopping = await check.CheckHealthAsync(context);

        Assert.Equal(
            [(HealthStatus.Unhealthy, "starting"), (HealthStatus.Healthy, "started"), (HealthStatus.Unhealthy, "stopping")],
            new[] { starting, started, stopping }.Select(r => (r.Status, r.Description)));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
