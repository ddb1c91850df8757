using System.Text.Json;
using MassTransit.Testing;
using Wacht.Worker.Jobs;
using Wacht.Worker.Rotation;
using Wacht.Worker.Tests.Support;

namespace Wacht.Worker.Tests.Sweep;

/// <summary>
/// The demo seed (deploy/emulator/demo-seed.json: two deployments, fixed dates) in a <see cref="SeededWorld"/>, with a
/// <see cref="RotationSweep"/> whose clock is the world's fake clock.
/// </summary>
public sealed class DemoSeedWorld : SeededWorld
{
    private DemoSeedWorld(SeededWorld world)
        : base(world) => Sweep = Create<RotationSweep>();

    public RotationSweep Sweep { get; }

    /// <param name="consumers">Register the worker's consumers (the sent RotateSecret commands are executed); without them the commands stay queued.</param>
    /// <param name="unreachable">Also configure <see cref="SeededWorld.Unreachable"/>, pointing at a closed port.</param>
    /// <param name="configure">Further settings (e.g. <c>Worker:RotationSweep:*</c>).</param>
    public static async Task<DemoSeedWorld> StartAsync(bool consumers = true, bool unreachable = false, Action<Dictionary<string, string?>>? configure = null) =>
        new(await StartAsync(DemoSeed(), consumers, unreachable, configure));

    /// <summary>Runs a sweep as the scheduler would (trigger <c>schedule</c>), collecting the decisions.</summary>
    public Task<SweepReport> RunAsync(DateTimeOffset? scheduledFireAt = null, bool? dryRun = null) =>
        Sweep.RunAsync(
            new JobRunRequest(Contracts.JobTriggers.Schedule, dryRun, scheduledFireAt ?? Clock.GetUtcNow(), "test-instance", CollectItems: true),
            CancellationToken.None);

    /// <summary>The RotateSecret commands sent to the rotate-secret queue so far, in order.</summary>
    public IReadOnlyList<Contracts.RotateSecret> SentRotations() =>
        [.. Harness.Sent.Select<Contracts.RotateSecret>().Select(static m => m.Context.Message)];

    /// <summary>The secret the file destination holds for a client (read straight from the file), or null.</summary>
    public string? SecretAtDestination(string deploymentId, string appSlug, string clientId)
    {
        var path = Path.Combine(SecretsDirectory, deploymentId, appSlug, clientId + ".json");
        if (!File.Exists(path))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("client_secret").GetString();
    }

    /// <summary>Waits until the harness has published a SecretRotated for each command id; throws on a failure event.</summary>
    public async Task WaitForRotationsAsync(IReadOnlyCollection<Guid> commandIds)
    {
        using var timeout = new CancellationTokenSource(Harness.TestTimeout);
        while (true)
        {
            var failed = Harness.Published.Select<Contracts.SecretRotationFailed>()
                .Select(static m => m.Context.Message)
                .FirstOrDefault(m => commandIds.Contains(m.CommandId));
            if (failed is not null)
            {
                throw new InvalidOperationException($"Rotation {failed.CommandId} failed: {failed.ErrorCode} {failed.Message}\n{Logs.AllText}");
            }

            var done = Harness.Published.Select<Contracts.SecretRotated>().Select(static m => m.Context.Message.CommandId).ToHashSet();
            if (commandIds.All(done.Contains))
            {
                return;
            }

            try
            {
                await Task.Delay(10, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Not every rotation finished. Worker logs:\n{Logs.AllText}");
            }
        }
    }
}
