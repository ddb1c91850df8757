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
}
