using System.Diagnostics;
using System.Globalization;
using System.Net;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wacht.Worker.Contracts;
using Wacht.Worker.IntegrationTests.Ledger;
using Wacht.Worker.IntegrationTests.Support;
using Wacht.Worker.TestSupport;
using Xunit.Abstractions;

namespace Wacht.Worker.IntegrationTests.Health;

/// <summary>
/// Readiness follows reality: the worker talks to the real broker or PostgreSQL through a <see cref="TcpProxy"/>, which
/// the test cuts (every connection reset, new ones refused) and restores. The servers themselves are shared with every
/// other test on the machine and are never stopped; a real broker restart belongs to the chaos suite on a dedicated node.
/// </summary>
public sealed class ReadinessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Ready_FollowsTheBroker_NotReadyWhenTheConnectionIsCut_ReadyAgainWithEveryCommandQueueConsumed()
    {
        await using var w = await RabbitWorld.StartAsync();
        await using var proxy = TcpProxy.Start(w.VirtualHost.Broker.Amqp.Host, w.VirtualHost.Broker.Amqp.Port);
        var settings = w.World.WorkerSettings();
        w.VirtualHost.Apply(settings);
        settings["Worker:Messaging:RabbitMq:Host"] = "127.0.0.1";
        settings["Worker:Messaging:RabbitMq:Port"] = proxy.Port.ToString(CultureInfo.InvariantCulture);
        await using var worker = await OperatedWorker.StartAsync(settings);
        await worker.WaitForReadinessAsync(HttpStatusCode.OK, Bound);

        var clock = Stopwatch.StartNew();
        proxy.Cut();
        // MassTransit's bus check and the command endpoints' turn independently: wait for the one this test is about.
        var down = await worker.WaitForReadinessAsync(
            HttpStatusCode.ServiceUnavailable,
            static body => body.GetProperty("checks").GetProperty("command-endpoints").GetProperty("status").GetString() == "Unhealthy",
            Bound);
        output.WriteLine($"broker cut: not ready after {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal("not_ready", down.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", down.GetProperty("checks").GetProperty("command-endpoints").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await worker.GetAsync("/health/live")).Status);

        clock.Restart();
        proxy.Restore();
        var up = await worker.WaitForReadinessAsync(HttpStatusCode.OK, Bound);
        output.WriteLine($"broker restored: ready after {clock.Elapsed.TotalSeconds:0.0} s");

        var endpoints = up.GetProperty("checks").GetProperty("command-endpoints").GetProperty("data");
        foreach (var queue in (string[])["rotate-secret", "revoke-grant", "sync-scopes"])
        {
            Assert.Equal("Healthy: ready", endpoints.GetProperty(queue).GetString());
            Assert.True(await w.VirtualHost.ConsumerCountAsync(queue) >= 1, $"{queue} has no consumer at the broker after the worker said it was ready");
        }

        // And it consumes: a command sent now (the caller's own connection does not go through the proxy) is executed.
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var command = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };
        await w.SendAsync("rotate-secret", command);
        await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId);
        Assert.True(w.World.WachtAccepts(client.ClientId, w.World.SecretAtDestination(client.ClientId)));
    }

    [Fact]
    public async Task Ready_FollowsThePostgreSqlLedgerAndClusteredSchedule_NotReadyWhenCut_ReadyAgainWhenRestored()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = TcpProxy.Start(server.Host!, server.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port };
        await using var world = await WachtWorld.StartAsync();
        var settings = world.WorkerSettings();
        settings["Worker:Ledger:Provider"] = "PostgreSql";
        settings["Worker:Ledger:ConnectionString"] = throughProxy.ConnectionString;
        settings["Worker:Scheduling:Enabled"] = "true";
        settings["Worker:Scheduling:Store"] = "PostgreSql";
        settings["Worker:RotationSweep:Cron"] = "0 0 3 1 1 ?";
        settings["Worker:GrantAudit:Cron"] = "0 0 3 1 1 ?";
        await using var worker = await OperatedWorker.StartAsync(settings);
        var ready = await worker.WaitForReadinessAsync(HttpStatusCode.OK, Bound);
        Assert.Equal("PostgreSql", ready.GetProperty("checks").GetProperty("ledger").GetProperty("data").GetProperty("provider").GetString());
        Assert.Equal("Normal", ready.GetProperty("checks").GetProperty("scheduler").GetProperty("data").GetProperty("rotation-sweep").GetString());

        var clock = Stopwatch.StartNew();
        proxy.Cut();
        // The ledger's and the scheduler's checks turn independently: wait for the one this test is about.
        var down = await worker.WaitForReadinessAsync(
            HttpStatusCode.ServiceUnavailable,
            static body => body.GetProperty("checks").GetProperty("ledger").GetProperty("status").GetString() == "Unhealthy",
            Bound);
        output.WriteLine($"PostgreSQL cut: not ready after {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal("Unhealthy", down.GetProperty("checks").GetProperty("ledger").GetProperty("status").GetString());
        Assert.Equal("Healthy", down.GetProperty("checks").GetProperty("command-endpoints").GetProperty("status").GetString());

        clock.Restart();
        proxy.Restore();
        await worker.WaitForReadinessAsync(HttpStatusCode.OK, Bound);
        output.WriteLine($"PostgreSQL restored: ready after {clock.Elapsed.TotalSeconds:0.0} s");

        // And it executes commands on the restored ledger.
        var client = await world.ClientAsync(WachtWorld.ServiceClient);
        var commandId = NewId.NextGuid();
        await worker.Host.Services.GetRequiredService<IBus>().Publish(
            new RotateSecret { CommandId = commandId, DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id });
        await WaitUntilAsync(() => world.WachtAccepts(client.ClientId, world.SecretAtDestination(client.ClientId)), worker);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, OperatedWorker worker)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (!condition())
        {
            try
            {
                await Task.Delay(50, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The condition never held. Worker logs:\n{worker.Logs.AllText}");
            }
        }
    }
}
