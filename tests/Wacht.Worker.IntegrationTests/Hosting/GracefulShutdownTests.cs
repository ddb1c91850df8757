using System.Text.Json;
using MassTransit;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.IntegrationTests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests.Hosting;

/// <summary>
/// The worker executable, stopped with SIGTERM while a rotation is in flight, on the real broker (its own virtual host)
/// with the emulator holding the rotate call. Its shutdown budget lets the rotation finish; a second process then finds
/// nothing left to do, and the destination holds the secret Wacht accepts.
/// </summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Sigterm_DuringARotation_FinishesIt_AndTheNextProcessLeavesTheSecretWachtAcceptsAtTheDestination()
    {
        await using var w = await RabbitWorld.StartAsync();
        var settings = w.World.WorkerSettings();
        w.VirtualHost.Apply(settings);
        // A rotate call held for 3 s must not time out (the test budget's 2 s attempt timeout would).
        settings[$"Wacht:Deployments:{WachtWorld.Deployment}:RequestTimeout"] = "00:00:20";
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        w.World.Emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.RotateOAuthClientSecret, LatencyMs = 3000, Remaining = 1 });
        var command = new RotateSecret
        {
            CommandId = NewId.NextGuid(),
            DeploymentId = WachtWorld.Deployment,
            AppSlug = WachtWorld.AppSlug,
            OAuthClientId = client.Id,
            RequestedBy = "graceful shutdown test",
        };

        int exitCode;
        string firstOutput;
        await using (var first = await RunningWorker.StartAsync(settings))
        {
            await w.SendAsync("rotate-secret", command);
            await WaitUntilAsync(() => w.World.RotateCalls == 1, first);

            first.Terminate();
            exitCode = await first.WaitForExitAsync(TimeSpan.FromMinutes(2));
            firstOutput = first.Output;
        }

        await using (var second = await RunningWorker.StartAsync(settings))
        {
            var rotated = await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId);
            var secret = w.World.SecretAtDestination(client.ClientId);

            Assert.Equal(0, exitCode);
            Assert.True(w.World.WachtAccepts(client.ClientId, secret), "The destination does not hold the secret Wacht accepts.");
            Assert.Equal(1, w.World.RotateCalls);
            Assert.Equal(command.CommandId, rotated.CommandId);

            // The first process logged in JSON (Production), finished the command before it exited, and said nothing secret.
            var lines = firstOutput.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Contains(lines, l => l.GetProperty("EventId").GetInt32() == 3001
                && l.GetProperty("Scopes").EnumerateArray().Any(s => s.ValueKind == JsonValueKind.Object
                    && s.TryGetProperty("CommandId", out var id) && id.GetString() == command.CommandId.ToString()));
            foreach (var output in new[] { firstOutput, second.Output })
            {
                Assert.DoesNotContain(secret!, output, StringComparison.Ordinal);
                Assert.DoesNotContain(w.World.ApiKey, output, StringComparison.Ordinal);
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, RunningWorker process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            try
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The condition never held. Worker output:\n{process.Output}");
            }
        }
    }
}
