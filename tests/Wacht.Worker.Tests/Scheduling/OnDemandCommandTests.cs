using Wacht.Emulator;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Tests.Scheduling;

/// <summary>
/// The <c>sweep</c> and <c>audit</c> commands through the command-line entry point (in-process), on the embedded default
/// (allowed outside Development with Worker:AllowDevelopmentDefaults). The real executable is run by the Cli tests.
/// </summary>
public sealed class OnDemandCommandTests
{
    [Fact]
    public async Task Sweep_DryRun_PrintsTheReport_AndExits0()
    {
        var (exitCode, output, error) = await RunAsync("sweep", "--dry-run");

        Assert.True(exitCode == 0, output + error);
        Assert.Contains("Rotation sweep ", output, StringComparison.Ordinal);
        Assert.Contains("Trigger: manual   dry run: yes", output, StringComparison.Ordinal);
        Assert.Contains("Skipped: not_due", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Waiting up to", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_DryRun_PrintsTheFindingsAndCounts_AndExits0()
    {
        var (exitCode, output, error) = await RunAsync("audit", "--dry-run");

        Assert.True(exitCode == 0, output + error);
        Assert.Contains("Grant audit ", output, StringComparison.Ordinal);
        Assert.Contains("Trigger: manual   dry run: yes", output, StringComparison.Ordinal);
        Assert.Contains("Findings by kind: ExpiredButActive", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Waiting up to", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 13 (streaming audit): the audit command prints each client's findings as the walk finds them, instead of
    /// keeping every finding until the run ends. The listing of one client's grants is held at the emulator, so the run
    /// cannot end until the test lets it go; the first finding row must be printed while it is still held.
    /// </summary>
    [Fact]
    public async Task Audit_PrintsFindingsAsTheyAreFound_BeforeTheRunEnds()
    {
        var seed = SeedGenerator.Generate(new SeedGeneratorOptions
        {
            Deployments = 1,
            AppsPerDeployment = 2,
            ClientsPerApp = 10,
            GrantsPerClient = 5,
            ExpiredGrantShare = 0.5,
            RandomSeed = 1313,
            Now = new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero),
        });
        await using var emulator = await WachtEmulator.StartAsync(new EmulatorOptions { Seed = seed });
        var deployment = seed.Deployments[0];
        var lastClient = deployment.Apps[^1].Clients[^1];
        emulator.Holds.Add(new HoldRule { Operation = OAuthOperations.ListOAuthGrants, OAuthClientId = lastClient.Id });

        var output = new RowWatchingWriter(emulator);
        var data = Directory.CreateTempSubdirectory("wacht-worker-cli-").FullName;
        try
        {
            // Whatever the printer does, the hold ends: a printer that waits for the end of the run then fails below.
            using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await using var _ = giveUp.Token.Register(() => output.Release());
            string[] args =
            [
                "audit", "--dry-run",
                "--set", "Worker:AllowDevelopmentDefaults=true",
                "--set", "Worker:Embedded:Enabled=false",
                "--set", "Worker:Messaging:Transport=InMemory",
                "--set", "Worker:Rotation:Enabled=false",
                "--set", $"Worker:Ledger:SqlitePath={Path.Combine(data, "ledger.db")}",
                "--set", $"Wacht:Deployments:{deployment.Id}:BaseUrl={emulator.BaseAddress}",
                "--set", $"Wacht:Deployments:{deployment.Id}:ApiKey={SeedGeneratorOptions.DefaultApiKey(deployment.Id!)}",
                "--set", "Logging:LogLevel:Default=None",
            ];
            using var error = new StringWriter();
            var exitCode = await WorkerCli.RunAsync(args, output, error);

            Assert.True(exitCode == 0, output + error.ToString());
            Assert.True(output.FirstRowWhileHeld, "The first finding row was printed only after the run had ended:\n" + output);
            Assert.Contains("Findings by kind: ExpiredButActive", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Sweep_WithAnInvalidCron_Exits1NamingTheSetting()
    {
        var (exitCode, output, error) = await RunAsync("sweep", "--dry-run", "--set", "Worker:RotationSweep:Cron=daily");

        Assert.Equal(1, exitCode);
        Assert.Contains("Worker:RotationSweep:Cron", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Rotation sweep ", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var data = Directory.CreateTempSubdirectory("wacht-worker-cli-").FullName;
        try
        {
            string[] all =
            [
                .. args,
                "--set", "Worker:AllowDevelopmentDefaults=true",
                "--set", "Worker:Embedded:Enabled=true",
                "--set", "Worker:Messaging:Transport=InMemory",
                "--set", $"Worker:Ledger:SqlitePath={Path.Combine(data, "ledger.db")}",
                "--set", $"Worker:Secrets:File:Directory={Path.Combine(data, "secrets")}",
                "--set", "Logging:LogLevel:Default=None",
            ];
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exitCode = await WorkerCli.RunAsync(all, output, error);
            return (exitCode, output.ToString(), error.ToString());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Collects the output; at the first finding row it notes whether the held call is still held, then releases it.</summary>
    private sealed class RowWatchingWriter(WachtEmulator emulator) : StringWriter(System.Globalization.CultureInfo.InvariantCulture)
    {
        private int _released;

        public bool FirstRowWhileHeld { get; private set; }

        public void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                _ = emulator.Holds.ReleaseAllAsync();
            }
        }

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && value.Contains(FindingKinds.ExpiredButActive, StringComparison.Ordinal) && !value.StartsWith("Findings", StringComparison.Ordinal)
                && Volatile.Read(ref _released) == 0)
            {
                FirstRowWhileHeld = true;
                Release();
            }
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }
    }
}
