using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Cli;

/// <summary>
/// The real executable's command line (issue 9, defect 3): an unknown verb or option, or a malformed value, is a usage
/// error (exit 1, one line on stderr naming the nearest valid name) before anything starts or is sent; settings are
/// given only as <c>--set Key=Value</c>.
/// </summary>
public sealed class CommandLineUsageTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("swep", "'sweep'")]
    [InlineData("audti", "'audit'")]
    [InlineData("dmeo", "'demo'")]
    public async Task AMisspeltVerb_IsAUsageError_NamingTheNearestVerb(string verb, string suggestion)
    {
        using var scratch = new ScratchDirectory();

        var run = await WorkerProcess.RunAsync([verb], scratch.EmbeddedSettings(), "Development", timeout: Timeout);

        AssertUsageError(run, $"'{verb}'", suggestion);
        Assert.False(File.Exists(scratch.LedgerPath), "the worker must not have started");
    }

    [Theory]
    [InlineData("sweep", "--dryrun", "'--dry-run'")]
    [InlineData("audit", "--dryrun", "'--dry-run'")]
    [InlineData("sweep", "--nowait", "'--no-wait'")]
    [InlineData("audit", "--wiat", "'--wait'")]
    [InlineData("demo", "--dry-run", "--set")]
    public async Task AMisspeltOption_IsAUsageError_NamingTheNearestOption_AndNothingRuns(string verb, string option, string suggestion)
    {
        using var scratch = new ScratchDirectory();

        var run = await WorkerProcess.RunAsync([verb, option, "--no-wait"], scratch.EmbeddedSettings(), "Development", timeout: Timeout);

        AssertUsageError(run, $"'{option}'", suggestion);
        Assert.DoesNotContain("Rotation sweep", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Grant audit", run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(scratch.LedgerPath), "the worker must not have started");
    }

    [Theory]
    [InlineData("--wait", "abc")]
    [InlineData("--wait", "-5")]
    [InlineData("--wait", "1.5")]
    [InlineData("--wait", "99999999999")]
    public async Task AMalformedWait_IsAUsageError_WithoutAStackTrace(string option, string value)
    {
        foreach (var verb in new[] { "sweep", "audit" })
        {
            using var scratch = new ScratchDirectory();

            var run = await WorkerProcess.RunAsync([verb, option, value], scratch.EmbeddedSettings(), "Development", timeout: Timeout);

            AssertUsageError(run, "--wait", $"'{value}'");
            Assert.False(File.Exists(scratch.LedgerPath), "the worker must not have started");
        }
    }

    [Fact]
    public async Task WaitWithoutAValue_OrTogetherWithNoWait_IsAUsageError()
    {
        using var scratch = new ScratchDirectory();

        var missing = await WorkerProcess.RunAsync(["sweep", "--wait"], scratch.EmbeddedSettings(), "Development", timeout: Timeout);
        var both = await WorkerProcess.RunAsync(["audit", "--wait", "10", "--no-wait"], scratch.EmbeddedSettings(), "Development", timeout: Timeout);

        AssertUsageError(missing, "--wait");
        AssertUsageError(both, "--wait", "--no-wait");
    }

    [Fact]
    public async Task AnOldStyleSettingArgument_IsRefused_ShowingTheSetForm()
    {
        using var scratch = new ScratchDirectory();

        var run = await WorkerProcess.RunAsync(
            ["demo", "--Worker:Messaging:Transport=RabbitMq"], scratch.EmbeddedSettings(), "Development", timeout: Timeout);

        AssertUsageError(run, "'--Worker:Messaging:Transport=RabbitMq'", "--set Worker:Messaging:Transport=RabbitMq");
        Assert.False(File.Exists(scratch.LedgerPath), "the worker must not have started");
    }

    [Theory]
    [InlineData("Worker:Messaging:Transport")]
    [InlineData("=RabbitMq")]
    [InlineData("Worker::Transport=RabbitMq")]
    [InlineData("Worker Messaging=RabbitMq")]
    public async Task AMalformedSet_IsAUsageError(string value)
    {
        using var scratch = new ScratchDirectory();

        var run = await WorkerProcess.RunAsync(["sweep", "--dry-run", "--set", value], scratch.EmbeddedSettings(), "Development", timeout: Timeout);

        AssertUsageError(run, "--set", "Key=Value");
    }

    [Fact]
    public async Task TheSameSettingSetTwice_IsAUsageError()
    {
        using var scratch = new ScratchDirectory();

        var run = await WorkerProcess.RunAsync(
            ["sweep", "--dry-run", "--set", "Worker:RotationSweep:DryRun=false", "--set", "worker:rotationsweep:dryrun=true"],
            scratch.EmbeddedSettings(),
            "Development",
            timeout: Timeout);

        AssertUsageError(run, "--set", "Worker:RotationSweep:DryRun");
    }

    [Fact]
    public async Task Set_ChangesASetting_BeforeEveryOtherSource()
    {
        using var scratch = new ScratchDirectory();
        var settings = scratch.EmbeddedSettings();
        settings["Worker:RotationSweep:Cron"] = "0 0 3 * * ?";

        var run = await WorkerProcess.RunAsync(
            ["sweep", "--dry-run", "--set", "Worker:RotationSweep:Cron=daily"], settings, "Development", timeout: Timeout);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Worker:RotationSweep:Cron", run.Error, StringComparison.Ordinal);
        Assert.False(run.HasStackTrace, run.ToString());
    }

    [Fact]
    public async Task Help_ListsTheVerbsAndTheSetOption_AndExits0()
    {
        var run = await WorkerProcess.RunAsync(["--help"], timeout: Timeout);

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var word in new[] { "demo", "sweep", "audit", "--set" })
        {
            Assert.Contains(word, run.Output, StringComparison.Ordinal);
        }
    }

    private static void AssertUsageError(WorkerRun run, params string[] mentions)
    {
        Assert.False(run.TimedOut, "the process did not exit: " + run);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.False(run.HasStackTrace, run.ToString());
        Assert.True(run.ErrorLines.Count == 1, "expected one line on stderr: " + run);
        foreach (var mention in mentions)
        {
            Assert.Contains(mention, run.Error, StringComparison.Ordinal);
        }
    }
}
