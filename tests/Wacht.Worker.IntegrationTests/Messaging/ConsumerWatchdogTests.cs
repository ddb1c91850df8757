using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wacht.Worker.Hosting;
using Wacht.Worker.IntegrationTests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests.Messaging;

/// <summary>
/// The consumer watchdog on the real broker. The stuck state seen after broker restarts (a command queue without its
/// consumer while the broker is fine) is produced here on purpose: the worker's own broker user loses its read
/// permission and its connection is closed, so MassTransit reconnects but cannot consume, for as long as the test says.
/// </summary>
public sealed class ConsumerWatchdogTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task QueuesWithoutConsumer_WhileTheBrokerAnswers_RestartTheBus_ThenStopTheProcessWithItsExitCode()
    {
        await using var w = await RabbitWorld.StartAsync();
        await using var user = await w.VirtualHost.Broker.CreateUserAsync(w.VirtualHost, "watchdog");
        await using var worker = await OperatedWorker.StartAsync(Settings(w, user));
        await worker.WaitForReadinessAsync(HttpStatusCode.OK, Bound);
        var stopping = StoppingTask(worker.Host);

        await SetReadPermissionAsync(w, user, "^$");
        await CloseConnectionsAsync(w, user);

        await stopping.WaitAsync(Bound);
        var log = worker.Logs.AllText;
        Assert.Contains("restarting the bus", log, StringComparison.Ordinal);
        Assert.True(
            log.Contains("still have no consumer after a bus restart", StringComparison.Ordinal)
            || log.Contains("Restarting the bus failed", StringComparison.Ordinal),
            log);
        Assert.Equal(HostExitCode.ConsumersLost, worker.Host.Services.GetRequiredService<HostExitCode>().Value);
    }

    [Fact]
    public async Task TheWorkerProcess_WhoseQueuesStayWithoutConsumer_ExitsWith75_ForItsSupervisor()
    {
        await using var w = await RabbitWorld.StartAsync();
        await using var user = await w.VirtualHost.Broker.CreateUserAsync(w.VirtualHost, "watchdog");
        await using var worker = await RunningWorker.StartAsync(Settings(w, user));

        await SetReadPermissionAsync(w, user, "^$");
        await CloseConnectionsAsync(w, user);

        Assert.Equal(HostExitCode.ConsumersLost, await worker.WaitForExitAsync(Bound));
        Assert.Contains("still have no consumer after a bus restart", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokerCutLongerThanRestartAfter_NoRestartWhileCut_ThenEveryQueueConsumesAgain_OrTheProcessStopsWithItsExitCode()
    {
        await using var w = await RabbitWorld.StartAsync();
        await using var proxy = TcpProxy.Start(w.VirtualHost.Broker.Amqp.Host, w.VirtualHost.Broker.Amqp.Port);
        var settings = w.World.WorkerSettings();
        w.VirtualHost.Apply(settings);
        settings["Worker:Messaging:RabbitMq:Host"] = "127.0.0.1";
        settings["Worker:Messaging:RabbitMq:Port"] = proxy.Port.ToString(CultureInfo.InvariantCulture);
        Watchdog(settings, "00:00:10");
        await using var worker = await OperatedWorker.StartAsync(settings);
        await worker.WaitForReadinessAsync(HttpStatusCode.OK, Bound);
        var stopping = StoppingTask(worker.Host);

        // Cut for longer than RestartAfter: the broker does not let the worker in (the proxy resets every connection),
        // which is not the watchdog's case, so nothing is restarted meanwhile.
        proxy.Cut();
        await worker.WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable, Bound);
        await Task.Delay(TimeSpan.FromSeconds(15));
        var duringCut = worker.Logs.AllText;
        proxy.Restore();

        // After the cut some runs leave a queue without its consumer (the defect seen after broker restarts); the
        // guarantee is that this never lasts: the worker consumes everywhere again, or it stops with its exit code.
        var ready = WaitForReadyAsync(worker);
        var finished = await Task.WhenAny(ready, stopping).WaitAsync(Bound);

        Assert.DoesNotContain("restarting the bus", duringCut, StringComparison.Ordinal);
        if (finished == stopping)
        {
            Assert.Equal(HostExitCode.ConsumersLost, worker.Host.Services.GetRequiredService<HostExitCode>().Value);
            Assert.Contains("still have no consumer after a bus restart", worker.Logs.AllText, StringComparison.Ordinal);
            return;
        }

        foreach (var queue in (string[])["rotate-secret", "revoke-grant", "sync-scopes"])
        {
            Assert.True(await w.VirtualHost.ConsumerCountAsync(queue) >= 1, $"{queue} has no consumer at the broker");
        }
    }

    private static async Task WaitForReadyAsync(OperatedWorker worker)
    {
        while (true)
        {
            try
            {
                if ((await worker.GetAsync("/health/ready")).Status == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // The listener is going away with the host: the other branch decides.
            }

            await Task.Delay(200);
        }
    }

    private static Dictionary<string, string?> Settings(RabbitWorld w, TestBrokerUser user, string restartAfter = "00:00:02")
    {
        var settings = w.World.WorkerSettings();
        w.VirtualHost.Apply(settings);
        settings["Worker:Messaging:RabbitMq:Username"] = user.Name;
        settings["Worker:Messaging:RabbitMq:Password"] = user.Password;
        Watchdog(settings, restartAfter);
        return settings;
    }

    private static void Watchdog(Dictionary<string, string?> settings, string restartAfter)
    {
        settings["Worker:Messaging:Watchdog:CheckInterval"] = "00:00:00.200";
        settings["Worker:Messaging:Watchdog:RestartAfter"] = restartAfter;
        settings["Worker:Messaging:Watchdog:RestartTimeout"] = "00:00:10";
    }

    private static Task StoppingTask(IHost host)
    {
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopping.TrySetResult());
        return stopping.Task;
    }

    private static async Task SetReadPermissionAsync(RabbitWorld w, TestBrokerUser user, string read)
    {
        using var http = w.VirtualHost.Broker.ManagementClient();
        var body = new StringContent($$"""{"configure":".*","write":".*","read":"{{read}}"}""", Encoding.UTF8, "application/json");
        (await http.PutAsync($"api/permissions/{w.VirtualHost.Name}/{user.Name}", body)).EnsureSuccessStatusCode();
    }

    /// <summary>Closes every connection of <paramref name="user"/> (the worker's), as a broker restart does.</summary>
    private static async Task CloseConnectionsAsync(RabbitWorld w, TestBrokerUser user)
    {
        using var http = w.VirtualHost.Broker.ManagementClient();
        var closed = 0;
        for (var attempt = 0; attempt < 50 && closed == 0; attempt++)
        {
            using var document = JsonDocument.Parse(await http.GetStringAsync($"api/vhosts/{w.VirtualHost.Name}/connections"));
            foreach (var connection in document.RootElement.EnumerateArray())
            {
                if (connection.GetProperty("user").GetString() == user.Name)
                {
                    var name = connection.GetProperty("name").GetString()!;
                    using var response = await http.DeleteAsync($"api/connections/{Uri.EscapeDataString(name)}");
                    closed++;
                }
            }

            if (closed == 0)
            {
                // The management API lists connections with a few seconds' delay.
                await Task.Delay(200);
            }
        }

        Assert.True(closed > 0, "the worker's connection never showed up in the management API");
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (!condition())
        {
            try
            {
                await Task.Delay(100, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No {what} within {Bound}.");
            }
        }
    }
}
