namespace Wacht.Worker.IntegrationTests.Deploy;

/// <summary>
/// The worker's and the emulator's images, built from deploy/worker/Dockerfile and deploy/emulator/Dockerfile exactly as
/// docker-compose.yml names them, once per test run (the engine's build cache makes a rebuild of unchanged sources
/// cheap). <c>--network host</c>: the restore step reaches NuGet through this machine's network, also where the engine
/// gives containers no route outside (as <c>bash .ci/containers</c> runs it).
/// </summary>
internal static class LocalImages
{
    public const string Worker = "wacht-worker:local";
    public const string Emulator = "wacht-emulator:local";

    private static readonly Lazy<Task> Built = new(BuildAllAsync);

    public static Task BuildAsync() => Built.Value;

    private static async Task BuildAllAsync()
    {
        // Side by side: much of each build is the restore's downloading.
        await Task.WhenAll(BuildAsync("deploy/worker/Dockerfile", Worker), BuildAsync("deploy/emulator/Dockerfile", Emulator));
    }

    private static async Task BuildAsync(string dockerfile, string tag)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var run = await DockerCli.DockerAsync(
            ["build", "--network", "host", "--label", "wacht.test=true", "-f", dockerfile, "-t", tag, "."],
            TimeSpan.FromMinutes(20));
        Assert.True(run.ExitCode == 0, $"building {dockerfile} failed: {run}");
        Wacht.Worker.IntegrationTests.Support.TestDiagnostics.Report($"docker build -f {dockerfile} -t {tag}: {started.Elapsed.TotalSeconds:0.0} s.");
    }
}
