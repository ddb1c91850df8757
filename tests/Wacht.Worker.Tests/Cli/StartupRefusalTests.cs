using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Cli;

/// <summary>
/// The real executable refuses to start on bad or unsafe configuration with every problem at once, each naming its
/// setting, printed once and without a stack trace (issue 9 defect 8, issue 10 defect 5, issue 12 "Safe defaults").
/// </summary>
public sealed class StartupRefusalTests
{
    private const string Deployment = "7283910238471";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly UnixFileMode Mode0644 = Mode0600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [Theory]
    [InlineData("")]
    [InlineData("demo")]
    [InlineData("sweep --dry-run")]
    public async Task Production_OnTheShippedDefaults_RefusesToStart_NamingTheSettings(string commandLine)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        using var scratch = new ScratchDirectory();

        // No configuration but the appsettings.json shipped beside the binary; DOTNET_ENVIRONMENT unset is Production.
        var run = await WorkerProcess.RunAsync(args, workingDirectory: scratch.Path, timeout: Timeout);

        Assert.False(run.TimedOut, "the process did not exit: " + run);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.False(run.HasStackTrace, run.ToString());
        foreach (var setting in new[] { "Worker:Embedded:Enabled", "Worker:Messaging:Transport", "Wacht:Deployments", "Worker:AllowDevelopmentDefaults" })
        {
            Assert.Contains(setting, run.Error, StringComparison.Ordinal);
        }

        Assert.Contains("Production", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Rotation sweep", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_WithAllowDevelopmentDefaults_RunsTheDemo()
    {
        using var scratch = new ScratchDirectory();
        var settings = scratch.EmbeddedSettings();
        settings["Worker:AllowDevelopmentDefaults"] = "true";

        var run = await WorkerProcess.RunAsync(["demo"], settings, workingDirectory: scratch.Path, timeout: Timeout);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("<<< SecretRotated", run.Output, StringComparison.Ordinal);
        Assert.Contains(RepositoryPaths.DemoSeedDeployment, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigurationErrors_AreReportedAllAtOnce_EachOnce_WithoutAStackTrace()
    {
        using var scratch = new ScratchDirectory();
        var settings = scratch.EmbeddedSettings();
        settings["Worker:RotationSweep:Cron"] = "daily";
        settings["Worker:Messaging:ConcurrentMessageLimit"] = "0";
        settings["Worker:Ledger:CommandTimeout"] = "00:00:00";
        settings["Worker:Secrets:Destination"] = "Vault";

        var run = await WorkerProcess.RunAsync([], settings, "Development", timeout: Timeout);

        Assert.False(run.TimedOut, "the process did not exit: " + run);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.False(run.HasStackTrace, run.ToString());
        foreach (var setting in new[] { "Worker:RotationSweep:Cron", "Worker:Messaging:ConcurrentMessageLimit", "Worker:Ledger:CommandTimeout", "Worker:Secrets:Destination" })
        {
            Assert.True(Occurrences(run.All, setting) == 1, $"{setting} should be named exactly once: {run}");
        }
    }

    [Fact]
    public async Task UnsafeFilesAndAddresses_AreStartupErrors_NamingEachSetting()
    {
        using var scratch = new ScratchDirectory();
        var apiKeyFile = scratch.WriteFile("api-key", "wk_test_0123456789abcdef", Mode0644);
        var ledgerKeyFile = scratch.WriteFile("ledger-key", Convert.ToBase64String(new byte[32]), Mode0644);
        var secretsNotADirectory = scratch.WriteFile("secrets", "not a directory", Mode0600);
        var settings = new Dictionary<string, string?>
        {
            ["Worker:AllowDevelopmentDefaults"] = "true",
            ["Worker:Embedded:Enabled"] = "false",
            ["Worker:Messaging:Transport"] = "InMemory",
            [$"Wacht:Deployments:{Deployment}:BaseUrl"] = "http://wacht.example.com/",
            [$"Wacht:Deployments:{Deployment}:ApiKeyFile"] = apiKeyFile,
            ["Worker:Ledger:SqlitePath"] = scratch.LedgerPath,
            ["Worker:Ledger:EncryptionKeyFile"] = ledgerKeyFile,
            ["Worker:Secrets:File:Directory"] = secretsNotADirectory,
            ["Logging:LogLevel:Default"] = "Warning",
        };

        var run = await WorkerProcess.RunAsync([], settings, workingDirectory: scratch.Path, timeout: Timeout);

        Assert.False(run.TimedOut, "the process did not exit: " + run);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.False(run.HasStackTrace, run.ToString());
        Assert.Contains($"Wacht:Deployments:{Deployment}:BaseUrl", run.Error, StringComparison.Ordinal);
        Assert.Contains($"Wacht:Deployments:{Deployment}:AllowInsecureHttp", run.Error, StringComparison.Ordinal);
        Assert.Contains($"Wacht:Deployments:{Deployment}:ApiKeyFile", run.Error, StringComparison.Ordinal);
        Assert.Contains("Worker:Ledger:EncryptionKeyFile", run.Error, StringComparison.Ordinal);
        Assert.Contains("Worker:Secrets:File:Directory", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wk_test_0123456789abcdef", run.All, StringComparison.Ordinal);
        Assert.False(File.Exists(scratch.LedgerPath), "nothing may start before the configuration is valid");
    }

    [Fact]
    public async Task AnUnreachableLedger_IsAStartupError_NamingTheSetting()
    {
        using var scratch = new ScratchDirectory();
        var settings = scratch.EmbeddedSettings();
        settings["Worker:Ledger:Provider"] = "PostgreSql";
        settings["Worker:Ledger:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=wacht;Password=not-shown-anywhere;Database=wacht;Timeout=3";

        var run = await WorkerProcess.RunAsync(["sweep", "--dry-run"], settings, "Development", timeout: Timeout);

        Assert.False(run.TimedOut, "the process did not exit: " + run);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.False(run.HasStackTrace, run.ToString());
        Assert.Contains("Worker:Ledger:ConnectionString", run.Error, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-shown-anywhere", run.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Rotation sweep", run.Output, StringComparison.Ordinal);
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
