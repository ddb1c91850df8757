using System.Net;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quartz;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Health;

/// <summary>
/// The health listener of a worker composed as the executable composes it, on the in-memory transport and a SQLite
/// ledger, against the emulator. (Readiness through a broker or PostgreSQL outage: the integration tests.)
/// </summary>
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Ready_OnAStartedWorker_Answers200_AndListsEveryCheck()
    {
        await using var world = await WachtWorld.StartAsync();
        await using var worker = await OperatedWorker.StartAsync(world.WorkerSettings());

        var (status, body) = await worker.ReadyAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ready", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        Assert.Equal(
            ["command-endpoints", "host", "ledger", "masstransit-bus", "wacht:" + WachtWorld.Deployment],
            checks.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        foreach (var queue in (string[])["rotate-secret", "revoke-grant", "sync-scopes"])
        {
            Assert.Equal("Healthy: ready", checks.GetProperty("command-endpoints").GetProperty("data").GetProperty(queue).GetString());
        }

        Assert.Equal("Sqlite", checks.GetProperty("ledger").GetProperty("data").GetProperty("provider").GetString());
        Assert.Equal("reachable", checks.GetProperty("wacht:" + WachtWorld.Deployment).GetProperty("description").GetString());
        Assert.Equal(["wacht"], checks.GetProperty("wacht:" + WachtWorld.Deployment).GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.DoesNotContain(world.ApiKey, body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_Answers200_FromTheProcessCheckAlone()
    {
        await using var world = await WachtWorld.StartAsync();
        await using var worker = await OperatedWorker.StartAsync(world.WorkerSettings());

        var (status, text) = await worker.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, status);
        using var body = JsonDocument.Parse(text);
        Assert.Equal("live", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(["process"], body.RootElement.GetProperty("checks").EnumerateObject().Select(c => c.Name));
    }

    [Fact]
    public async Task Ready_WhenWachtDoesNotAnswer_StaysReady_AndReportsTheDeployment()
    {
        await using var world = await WachtWorld.StartAsync();
        world.Emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.ListOAuthApps, ErrorStatus = 503 });
        await using var worker = await OperatedWorker.StartAsync(world.WorkerSettings());

        var (status, body) = await worker.ReadyAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        var wacht = body.GetProperty("checks").GetProperty("wacht:" + WachtWorld.Deployment);
        Assert.Equal("Unhealthy", wacht.GetProperty("status").GetString());
        Assert.Contains("503", wacht.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WachtReachability_IsAskedAtMostOncePerInterval()
    {
        await using var world = await WachtWorld.StartAsync();
        var settings = world.WorkerSettings();
        settings["Worker:Health:WachtCheckInterval"] = "01:00:00";
        await using var worker = await OperatedWorker.StartAsync(settings);

        await worker.ReadyAsync();
        await worker.ReadyAsync();
        await worker.ReadyAsync();

        Assert.Equal(1, world.Emulator.Calls.Count(OAuthOperations.ListOAuthApps, WachtWorld.Deployment));
    }

    [Fact]
    public async Task Ready_WithTheScheduler_ReportsItsTriggers_AndTurnsNotReadyWhenItStops()
    {
        await using var world = await WachtWorld.StartAsync();
        var settings = world.WorkerSettings();
        settings["Worker:Scheduling:Enabled"] = "true";
        settings["Worker:RotationSweep:Cron"] = "0 0 3 1 1 ?";
        settings["Worker:GrantAudit:Cron"] = "0 0 3 1 1 ?";
        await using var worker = await OperatedWorker.StartAsync(settings);

        // Quartz starts its scheduler once the host has started; until then the worker is not ready.
        var body = await worker.WaitForReadinessAsync(HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        var scheduler = body.GetProperty("checks").GetProperty("scheduler");
        Assert.Equal("Normal", scheduler.GetProperty("data").GetProperty("rotation-sweep").GetString());
        Assert.Equal("Normal", scheduler.GetProperty("data").GetProperty("grant-audit").GetString());

        await (await worker.Host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler()).Standby();

        (var status, body) = await worker.ReadyAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("not_ready", body.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("scheduler").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Metrics_AfterARotation_ServeTheWorkerAndClientMeters_WithoutTheSecretOrKey()
    {
        await using var world = await WachtWorld.StartAsync();
        await using var worker = await OperatedWorker.StartAsync(world.WorkerSettings());
        var client = await world.ClientAsync(WachtWorld.ServiceClient);

        await worker.Host.Services.GetRequiredService<IBus>().Publish(new RotateSecret
        {
            CommandId = Guid.NewGuid(),
            DeploymentId = WachtWorld.Deployment,
            AppSlug = WachtWorld.AppSlug,
            OAuthClientId = client.Id,
            RequestedBy = "health tests",
        });

        var text = await PollAsync(worker, t => t.Contains("wacht_worker_commands_total{", StringComparison.Ordinal) && t.Contains("rotateOAuthClientSecret", StringComparison.Ordinal));
        var secret = world.SecretAtDestination(client.ClientId);
        Assert.True(world.WachtAccepts(client.ClientId, secret));
        Assert.Contains(text.Split('\n'), l => l.StartsWith("wacht_client_requests_total{", StringComparison.Ordinal)
            && l.Contains("operation=\"rotateOAuthClientSecret\"", StringComparison.Ordinal)
            && l.Contains("status=\"200\"", StringComparison.Ordinal)
            && l.Contains($"deployment=\"{WachtWorld.Deployment}\"", StringComparison.Ordinal));
        Assert.Contains(text.Split('\n'), l => l.StartsWith("wacht_worker_commands_total{", StringComparison.Ordinal)
            && l.Contains("kind=\"rotate-secret\"", StringComparison.Ordinal)
            && l.Contains("outcome=\"succeeded\"", StringComparison.Ordinal));
        Assert.Contains("wacht_client_request_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret!, text, StringComparison.Ordinal);
        Assert.DoesNotContain(world.ApiKey, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithAnInvalidHealthSetting_FailsNamingIt()
    {
        await using var world = await WachtWorld.StartAsync();
        var settings = world.WorkerSettings();
        settings["Worker:Health:Port"] = "70000";

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => OperatedWorker.StartAsync(settings));

        Assert.Contains("Worker:Health:Port", exception.Message, StringComparison.Ordinal);
    }

    private static async Task<string> PollAsync(OperatedWorker worker, Func<string, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var (status, text) = await worker.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, status);
            if (done(text))
            {
                return text;
            }

            try
            {
                await Task.Delay(100, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"/metrics never showed the expected series; last scrape:\n{text}\nLogs:\n{worker.Logs.AllText}");
            }
        }
    }
}
