using Xunit.Abstractions;

namespace Wacht.Worker.IntegrationTests.Chaos;

/// <summary>
/// The chaos suite: worker processes SIGKILLed under load, and a broker (the suite's own node) restarted under mixed
/// load, on both ledgers; each scenario prints one line of figures and fails when the invariant breaks. Every test run
/// runs the small scale; <c>./build.sh chaos</c> the full one (docs/reliability.md). The targeted fault paths (late
/// rotate call, superseded after a failed later command, ledger outage after a lost response, read-only destination
/// re-driven) are exact scenarios in tests/Wacht.Worker.Tests/Rotation/RotationVerificationTests.cs.
/// </summary>
[Trait("Category", "Chaos")]
public sealed class ChaosTests(ITestOutputHelper output)
{
    private static readonly ChaosScale Scale = ChaosScale.Current;

    [Fact]
    public Task Kills_OneInstance_Sqlite() => KillsAsync("kills one instance, sqlite", postgres: false, instances: 1);

    [Fact]
    public Task Kills_TwoInstancesKilledTogether_PostgreSql() => KillsAsync("kills two instances, postgresql", postgres: true, instances: 2);

    [Fact]
    public Task BrokerRestarts_MixedLoad_Sqlite() => BrokerRestartsAsync("broker restarts, sqlite", postgres: false);

    [Fact]
    public Task BrokerRestarts_MixedLoad_PostgreSql() => BrokerRestartsAsync("broker restarts, postgresql", postgres: true);

    private async Task KillsAsync(string scenario, bool postgres, int instances)
    {
        await using var run = await ChaosRun.StartAsync($"{scenario} ({Scale.Name})", postgres);
        for (var i = 0; i < instances; i++)
        {
            await run.StartWorkerAsync();
        }

        using var stop = new CancellationTokenSource();
        var random = new Random(20261130);
        var interval = TimeSpan.FromMilliseconds(Scale.Kills * 3000.0 / Scale.Rotations);
        var sending = run.SendRotationsAsync(Scale.Rotations, interval, stop.Token);
        for (var k = 0; k < Scale.Kills; k++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(500, 2500)));

            // One instance, or every instance at once (two instances on one ledger killed together).
            while (run.Workers > 0)
            {
                await run.KillAsync(0);
            }

            for (var i = 0; i < instances; i++)
            {
                await run.StartWorkerAsync();
            }
        }

        await sending;
        Report(run, await run.SettleAsync(Scale.SettleBound));
    }

    private async Task BrokerRestartsAsync(string scenario, bool postgres)
    {
        var broker = await ChaosBroker.GetAsync();
        await using var run = await ChaosRun.StartAsync($"{scenario} ({Scale.Name})", postgres, broker);
        await run.StartWorkerAsync();

        using var stop = new CancellationTokenSource();
        var interval = TimeSpan.FromMilliseconds(Scale.BrokerRestarts * 8000.0 / Scale.Rotations);
        var sending = Task.WhenAll(run.SendRotationsAsync(Scale.Rotations, interval, stop.Token), run.SendRevocationsAsync(stop.Token));
        for (var r = 0; r < Scale.BrokerRestarts; r++)
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            await ChaosBroker.RestartAsync();
            run.BrokerRestarts++;
            if (r % 2 == 0 && r + 1 < Scale.BrokerRestarts)
            {
                // Two in quick succession: the second comes while clients are still reconnecting from the first.
                await Task.Delay(TimeSpan.FromSeconds(2));
                await ChaosBroker.RestartAsync();
                run.BrokerRestarts++;
                r++;
            }
        }

        await sending;
        Report(run, await run.SettleAsync(Scale.SettleBound));
    }

    private void Report(ChaosRun run, ChaosFigures figures)
    {
        output.WriteLine(figures.ToString());
        ChaosReport.Append(figures);
        Assert.True(figures.Holds, $"The invariant broke: {figures}");

        // Kills and broker restarts excuse no lost secret: every rotation can finish once the worker is back.
        Assert.True(figures.LostSecrets == 0, $"Secrets lost: {figures}");
        Assert.True(run.Workers > 0);
    }
}
