using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using Wacht.Worker.IntegrationTests.Support;

namespace Wacht.Worker.IntegrationTests.Deploy;

/// <summary>What one docker or compose command printed and returned.</summary>
internal sealed record CliRun(string Command, int ExitCode, string Output, string Error)
{
    public override string ToString() => $"`{Command}` exited {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}

/// <summary>
/// The docker CLI and Compose, run as an operator would, for what Testcontainers does not do: building the repository's
/// Dockerfiles, inspecting a container (health, user, changed files), and the compose stack. They talk to the engine
/// the tests use (DOCKER_HOST, DOCKER_API_VERSION are inherited).
/// </summary>
internal static class DockerCli
{
    /// <summary>Runs <paramref name="program"/>; a command still running after <paramref name="timeout"/> is killed and fails.</summary>
    public static async Task<CliRun> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null,
        CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var command = CliWrap.Cli.Wrap(program)
            .WithArguments(arguments)
            .WithWorkingDirectory(Wacht.Worker.TestSupport.Repository.Root)
            .WithEnvironmentVariables(environment ?? new Dictionary<string, string?>())
            .WithValidation(CommandResultValidation.None);
        var text = program + " " + string.Join(' ', arguments);
        try
        {
            var result = await command.ExecuteBufferedAsync(cts.Token);
            return new CliRun(text, result.ExitCode, result.StandardOutput, result.StandardError);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"`{text}` did not finish within {timeout}.");
        }
    }

    public static Task<CliRun> DockerAsync(IReadOnlyList<string> arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        RunAsync("docker", arguments, timeout ?? TimeSpan.FromMinutes(2), cancellationToken: cancellationToken);

    /// <summary>Runs docker and fails the test unless it exits 0; returns its standard output.</summary>
    public static async Task<string> DockerOkAsync(params string[] arguments)
    {
        var run = await DockerAsync(arguments);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Output;
    }

    /// <summary><c>docker inspect</c> of one container, image, volume or network.</summary>
    public static async Task<JsonElement> InspectAsync(string id)
    {
        var json = await DockerOkAsync("inspect", id);
        using var document = JsonDocument.Parse(json);
        return document.RootElement[0].Clone();
    }

    /// <summary>A free TCP port on 127.0.0.1 (for a published port).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether <paramref name="program"/> is an executable on the PATH.</summary>
    public static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));
}

/// <summary>
/// A test that needs a Docker engine and the docker CLI. Skipped (with the reason) where no engine is configured, unless
/// <c>WACHT_TEST_CONTAINERS=required</c>: then it runs, and fails saying what is missing.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class DockerFactAttribute : FactAttribute
{
    public DockerFactAttribute()
    {
        if (!ContainerEngine.Required && !(ContainerEngine.MayAnswer && DockerCli.OnPath("docker")))
        {
            Skip = "No Docker engine (DOCKER_HOST unset, no /var/run/docker.sock) or no docker CLI: `./build.sh test` provides one.";
        }
    }
}

/// <summary>The tests that build and run the repository's images: one at a time (each is heavy on a small machine).</summary>
[CollectionDefinition(Name)]
public sealed class DockerImagesCollection
{
    public const string Name = "docker images";
}
