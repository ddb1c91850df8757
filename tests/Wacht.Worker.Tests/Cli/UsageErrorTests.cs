namespace Wacht.Worker.Tests.Cli;

/// <summary>
/// The command line's usage errors, in-process (nothing is built when the command line is wrong): one line, exit code 1,
/// the nearest valid name, no value that may be a secret repeated.
/// </summary>
public sealed class UsageErrorTests
{
    [Theory]
    [InlineData("swep", "unknown command 'swep'; did you mean 'sweep'?")]
    [InlineData("Sweep", "unknown command 'Sweep'; did you mean 'sweep'?")]
    [InlineData("audti", "unknown command 'audti'; did you mean 'audit'?")]
    [InlineData("rotate", "unknown command 'rotate' (commands: demo, sweep, audit, healthcheck)")]
    [InlineData("sweep --dryrun", "unknown option '--dryrun' for 'Wacht.Worker sweep'; did you mean '--dry-run'?")]
    [InlineData("sweep --dry-run --nowait", "unknown option '--nowait' for 'Wacht.Worker sweep'; did you mean '--no-wait'?")]
    [InlineData("audit --wiat 5", "unknown option '--wiat' for 'Wacht.Worker audit'; did you mean '--wait'?")]
    [InlineData("demo --dry-run", "unknown option '--dry-run' for 'Wacht.Worker demo' (its options: --help, --set)")]
    [InlineData("--sett Worker:Rotation:Enabled=false", "unknown option '--sett' for 'Wacht.Worker'; did you mean '--set'?")]
    [InlineData("demo --Worker:Messaging:Transport=RabbitMq", "unknown option '--Worker:Messaging:Transport=RabbitMq': settings are given as --set Worker:Messaging:Transport=RabbitMq")]
    [InlineData("sweep --wait abc", "--wait takes a whole number of seconds from 0 to 86400, not 'abc'")]
    [InlineData("sweep --wait -5", "--wait takes a whole number of seconds from 0 to 86400, not '-5'")]
    [InlineData("sweep --wait 86401", "--wait takes a whole number of seconds from 0 to 86400, not '86401'")]
    [InlineData("audit --wait 10 --no-wait", "--wait and --no-wait cannot be used together")]
    [InlineData("--set Worker:Messaging:Transport", "--set 'Worker:Messaging:Transport' has no value: give --set Key=Value, e.g. --set Worker:Messaging:Transport=<value>")]
    [InlineData("--set =RabbitMq", "--set takes Key=Value and the key before '=' is empty")]
    [InlineData("--set Worker::Transport=RabbitMq", "--set takes Key=Value and 'Worker::Transport' is not a setting key")]
    [InlineData("--set a=1 --set A=2", "--set A is given more than once")]
    public async Task AWrongCommandLine_IsOneLine_NamingTheProblem(string commandLine, string expected)
    {
        var (exitCode, output, error) = await RunAsync(commandLine);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Wacht.Worker: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.EndsWith("--help' for usage.", line.TrimEnd(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sweep wk_live_7f3c1e9a0b2d4c6e")]
    [InlineData("--set Wacht:Deployments:7283910238471:ApiKey wk_live_7f3c1e9a0b2d4c6e")]
    [InlineData("--Wacht:Deployments:7283910238471:ApiKey=wk_live_7f3c1e9a0b2d4c6e")]
    [InlineData("--set wk_live_7f3c1e9a0b2d4c6e")]
    public async Task AValueThatMayBeASecret_IsNotRepeated(string commandLine)
    {
        var (exitCode, _, error) = await RunAsync(commandLine);

        Assert.Equal(1, exitCode);
        Assert.DoesNotContain("wk_live_7f3c1e9a0b2d4c6e", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AResponseFile_IsNotRead()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "--set Worker:Rotation:Enabled=false");

            var (exitCode, _, error) = await RunAsync($"sweep @{file}");

            Assert.Equal(1, exitCode);
            Assert.Contains("unexpected argument", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("[env:Worker__Rotation__Enabled=false] sweep --dry-run")]
    [InlineData("[diagram] sweep --dry-run")]
    [InlineData("[suggest] swe")]
    public async Task ADirective_IsNotAccepted(string commandLine)
    {
        var (exitCode, _, error) = await RunAsync(commandLine);

        Assert.Equal(1, exitCode);
        Assert.Contains("directives ([...] before the command) are not accepted", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Worker__Rotation__Enabled", error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string commandLine)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await WorkerCli.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries), output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
