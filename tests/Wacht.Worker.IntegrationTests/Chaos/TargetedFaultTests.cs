using MassTransit;
using Microsoft.Extensions.Hosting;
using Wacht.Worker.Contracts;
using Wacht.Worker.IntegrationTests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests.Chaos;

/// <summary>
/// Targeted fault paths on the real broker with two worker instances. The other targeted cases of the chaos suite run
/// on the harness with exact control of each fault (tests/Wacht.Worker.Tests/Rotation/RotationVerificationTests.cs).
/// </summary>
[Trait("Category", "Chaos")]
public sealed class TargetedFaultTests
{
    [Fact]
    public async Task InstanceStoppedDuringASlowRotate_AnotherTakesOverAtOnce_WaitsForTheLateCall_AndDeliversASecretWachtAccepts()
    {
        await using var w = await RabbitWorld.StartAsync();
        void Settings(Dictionary<string, string?> s)
        {
            s[$"Wacht:Deployments:{WachtWorld.Deployment}:RequestTimeout"] = "00:00:05";
            s["Worker:Rotation:InFlightWindow"] = Environment.GetEnvironmentVariable("WACHT_TEST_INFLIGHT_WINDOW") ?? "00:00:08";
        }

        var first = await w.StartWorkerAsync(Settings);
        var second = await w.StartWorkerAsync(Settings);
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        w.World.Emulator.HoldRotate(client.ClientId, count: 1);
        var command = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };

        await w.SendAsync("rotate-secret", command);
        var held = await w.World.Emulator.Holds.WaitForHeldAsync().WaitAsync(TimeSpan.FromSeconds(60));

        // Whichever instance made the call goes away mid-call; the other gets the redelivered command at once. The
        // held call then completes at Wacht, after the survivor would have rotated had it not waited.
        await StopAbruptlyAsync(first);
        await StopAbruptlyAsync(second);
        var survivor = await w.StartWorkerAsync(Settings);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var late = await w.World.Emulator.Holds.ReleaseAsync(held.Id);
        var rotated = await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId, timeout: TimeSpan.FromSeconds(90));

        Assert.True(late.Executed);
        Assert.Equal(2, w.World.RotateCalls);
        Assert.True(w.World.WachtAccepts(client.ClientId, w.World.SecretAtDestination(client.ClientId)));
        Assert.NotNull(rotated.VerifiedAt);
        GC.KeepAlive(survivor);
    }

    /// <summary>Stops a host without waiting for its command: the consumer is cancelled after the harness's 2 s and the message redelivered.</summary>
    private static async Task StopAbruptlyAsync(IHost host)
    {
        await host.StopAsync(TimeSpan.FromSeconds(10));
        host.Dispose();
    }
}
