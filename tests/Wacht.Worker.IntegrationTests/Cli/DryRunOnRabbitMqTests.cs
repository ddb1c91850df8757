using System.Collections.Concurrent;
using MassTransit;
using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.IntegrationTests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests.Cli;

/// <summary>
/// Issue 9, defect 3, through the real executable on a real broker: <c>sweep --dry-run</c> and <c>audit --dry-run</c>
/// never consume commands (a real command waiting in the queue is still there afterwards, nothing reaches Wacht or the
/// secrets directory), send none, and publish nothing but their own summary marked DryRun.
/// </summary>
public sealed class DryRunOnRabbitMqTests
{
    [Theory]
    [InlineData("sweep")]
    [InlineData("audit")]
    public async Task ADryRun_LeavesTheQueuedCommandsAlone_AndPublishesOnlyItsSummary(string verb)
    {
        await using var w = await RabbitWorld.StartAsync();
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var grant = (await w.World.GrantsAsync(WachtWorld.ServiceClient)).First(g => g.Status == GrantStatuses.Active);
        await w.SendAsync("rotate-secret", new RotateSecret
        {
            CommandId = NewId.NextGuid(),
            DeploymentId = WachtWorld.Deployment,
            AppSlug = WachtWorld.AppSlug,
            OAuthClientId = client.Id,
            RequestedBy = "it",
        });
        await w.SendAsync("revoke-grant", new RevokeGrant
        {
            CommandId = NewId.NextGuid(),
            DeploymentId = WachtWorld.Deployment,
            AppSlug = WachtWorld.AppSlug,
            OAuthClientId = client.Id,
            GrantId = grant.Id,
            RequestedBy = "it",
        });
        var published = new ConcurrentQueue<object>();
        var subscriber = w.Bus.ConnectReceiveEndpoint("dry-run-observer", e =>
        {
            e.Handler<RotationSweepCompleted>(c => Record(published, c.Message));
            e.Handler<GrantAuditCompleted>(c => Record(published, c.Message));
            e.Handler<SecretRotationDue>(c => Record(published, c.Message));
            e.Handler<GrantAuditFinding>(c => Record(published, c.Message));
        });
        await subscriber.Ready;

        var settings = w.World.WorkerSettings();
        w.VirtualHost.Apply(settings);
        settings.Remove("Worker:Scheduling:Enabled");
        settings["Worker:Embedded:Enabled"] = "false";
        settings["Worker:GrantAudit:Remediation:ExpiredButActive"] = "Revoke";
        settings["Logging:LogLevel:Default"] = "Information";
        var run = await WorkerProcess.RunAsync([verb, "--dry-run"], settings, timeout: TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(1u, await w.VirtualHost.MessageCountAsync("rotate-secret"));
        Assert.Equal(1u, await w.VirtualHost.MessageCountAsync("revoke-grant"));
        Assert.Equal(0, w.World.RotateCalls);
        Assert.Equal(0, w.World.RevokeCalls);
        Assert.False(Directory.Exists(w.World.SecretsDirectory) && Directory.EnumerateFileSystemEntries(w.World.SecretsDirectory).Any(), "nothing may be delivered");
        Assert.DoesNotContain("Scheduler", run.Output, StringComparison.Ordinal);

        // The summary is published last, after every earlier publish was confirmed: once it is here, anything the run
        // published before it is here too (one queue, delivered in order).
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!published.Any(m => m is RotationSweepCompleted or GrantAuditCompleted))
        {
            await Task.Delay(20, cts.Token);
        }

        var summary = Assert.Single(published);
        Assert.True(summary is RotationSweepCompleted { DryRun: true } or GrantAuditCompleted { DryRun: true }, summary.ToString());
        await subscriber.StopAsync();
    }

    private static Task Record(ConcurrentQueue<object> published, object message)
    {
        published.Enqueue(message);
        return Task.CompletedTask;
    }
}
