using System.Security.Cryptography;
using System.Text.Json;
using Wacht.Worker.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Wacht.Worker.IntegrationTests.Deploy;

/// <summary>
/// docker-compose.yml as a user runs it: `up` brings up RabbitMQ, PostgreSQL, the emulator and two workers, each
/// service's health check passes, a rotation sent from the command line (`sweep`, run in one worker's container) is
/// executed by the stack and its secret lands in the volume both workers share, and `down -v` removes every container,
/// network and volume of the project. Compose v2 (`docker compose`) when the CLI has it, else docker-compose 1.29.
/// The project has a name of its own and its ports are free loopback ports, so it runs beside anything else.
/// </summary>
[Collection(DockerImagesCollection.Name)]
public sealed class ComposeStackTests(ITestOutputHelper output)
{
    private static readonly string[] Services = ["rabbitmq", "postgres", "wacht-emulator", "wacht-worker-1", "wacht-worker-2"];

    [DockerFact]
    public async Task ComposeStack_ComesUpHealthy_RotatesASecretSentFromTheCommandLine_AndDownLeavesNothingBehind()
    {
        await LocalImages.BuildAsync();
        var compose = await ComposeAsync();
        var client = DemoSeed.BasicClient("analytics-api", "oc_-RTbSlOjOaGgSxpoWD-LySCJp_SR2mdk");
        var project = "wacht-test-" + Guid.NewGuid().ToString("N")[..8];
        var emulatorPort = DockerCli.FreeLoopbackPort();
        var environment = new Dictionary<string, string?>
        {
            ["COMPOSE_PROJECT_NAME"] = project,
            ["WACHT_WORKER_LEDGER_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["WACHT_RABBITMQ_PORT"] = DockerCli.FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WACHT_RABBITMQ_MANAGEMENT_PORT"] = DockerCli.FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WACHT_POSTGRES_PORT"] = DockerCli.FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WACHT_EMULATOR_PORT"] = emulatorPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WACHT_WORKER_1_PORT"] = DockerCli.FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WACHT_WORKER_2_PORT"] = DockerCli.FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        Task<CliRun> Compose(TimeSpan timeout, params string[] arguments) =>
            DockerCli.RunAsync(compose[0], [.. compose.Skip(1), "-f", "docker-compose.yml", .. arguments], timeout, environment);

        var volumes = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            // The images exist (built above), so Compose uses them as they are.
            var up = await Compose(TimeSpan.FromMinutes(5), "up", "-d", "--no-build");
            Assert.True(up.ExitCode == 0, up.ToString());

            var containers = await WaitUntilHealthyAsync(Compose);
            foreach (var container in containers.Values)
            {
                var mounts = (await DockerCli.InspectAsync(container)).GetProperty("Mounts").EnumerateArray();
                volumes.UnionWith(mounts.Where(m => m.GetProperty("Type").GetString() == "volume").Select(m => m.GetProperty("Name").GetString()!));
            }

            var ps = await Compose(TimeSpan.FromMinutes(1), "ps");
            output.WriteLine(ps.Output);
            TestDiagnostics.Report($"{compose[0]} {string.Join(' ', compose.Skip(1))} ps (every service healthy):\n{ps.Output.TrimEnd()}");

            // A RotateSecret from the command line: the sweep command, in worker 1's container, sends it for one due
            // client and waits for its result event; either worker may execute it.
            var sweep = await Compose(
                TimeSpan.FromMinutes(4),
                "exec", "-T", "wacht-worker-1", "dotnet", "Wacht.Worker.dll", "sweep", "--wait", "180",
                "--set", $"Worker:RotationSweep:Include:0={client.Pattern}");
            Assert.True(sweep.ExitCode == 0, sweep.ToString());
            Assert.Contains("1 of 1 command(s) succeeded.", sweep.Output, StringComparison.Ordinal);

            // The secret is in the volume both workers share (read through the other one), and Wacht accepts it.
            var file = await Compose(
                TimeSpan.FromMinutes(1), "exec", "-T", "wacht-worker-2", "cat", $"/var/lib/wacht-worker/secrets/{client.SecretFile}");
            Assert.True(file.ExitCode == 0, file.ToString());
            using var json = JsonDocument.Parse(file.Output);
            var secret = json.RootElement.GetProperty("client_secret").GetString()!;
            Assert.True(await DemoSeed.WachtAcceptsAsync(new Uri($"http://127.0.0.1:{emulatorPort}/"), client, secret));
        }
        finally
        {
            var down = await Compose(TimeSpan.FromMinutes(5), "down", "-v", "--remove-orphans");
            Assert.True(down.ExitCode == 0, down.ToString());
        }

        // Nothing of the project is left: containers, networks, named volumes and the images' anonymous volumes.
        var filter = $"label=com.docker.compose.project={project}";
        Assert.Empty((await DockerCli.DockerOkAsync("ps", "-aq", "--filter", filter)).Trim());
        Assert.Empty((await DockerCli.DockerOkAsync("network", "ls", "-q", "--filter", filter)).Trim());
        Assert.Empty((await DockerCli.DockerOkAsync("volume", "ls", "-q", "--filter", filter)).Trim());
        Assert.NotEmpty(volumes);
        var remaining = (await DockerCli.DockerOkAsync("volume", "ls", "-q")).Split('\n', StringSplitOptions.TrimEntries);
        Assert.Empty(volumes.Intersect(remaining));
    }

    /// <summary>`docker compose` when the CLI has Compose v2, else `docker-compose` (1.29 on Debian bookworm).</summary>
    private static async Task<string[]> ComposeAsync()
    {
        var v2 = await DockerCli.RunAsync("docker", ["compose", "version"], TimeSpan.FromSeconds(30));
        if (v2.ExitCode == 0)
        {
            return ["docker", "compose"];
        }

        Assert.True(DockerCli.OnPath("docker-compose"), "Neither `docker compose` nor `docker-compose` is available.");
        return ["docker-compose"];
    }

    /// <summary>
    /// Waits until every service's container reports healthy; fails at once when one exits or turns unhealthy, with the
    /// services' states and the failing one's log. Returns the container id of each service.
    /// </summary>
    private async Task<Dictionary<string, string>> WaitUntilHealthyAsync(Func<TimeSpan, string[], Task<CliRun>> compose)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(4);
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        var containers = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            foreach (var service in Services)
            {
                var ids = await compose(TimeSpan.FromMinutes(1), ["ps", "-q", service]);
                var id = ids.Output.Trim();
                Assert.False(id.Length == 0, $"compose has no container for {service}: {ids}");
                containers[service] = id;
                var state = (await DockerCli.InspectAsync(id)).GetProperty("State");
                states[service] = state.GetProperty("Status").GetString() + "/"
                    + (state.TryGetProperty("Health", out var health) ? health.GetProperty("Status").GetString() : "no health check");
                if (states[service] is not ("running/healthy" or "running/starting"))
                {
                    var logs = await DockerCli.DockerAsync(["logs", "--tail", "50", id]);
                    Assert.Fail($"{service} is {states[service]}: {string.Join(", ", states)}\n{logs.Output}\n{logs.Error}");
                }
            }

            if (states.Values.All(s => s == "running/healthy"))
            {
                return containers;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"Not every service became healthy within 4 minutes: {string.Join(", ", states)}");
            output.WriteLine(string.Join(", ", states));
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }
}
