using DotNet.Testcontainers.Containers;

namespace Wacht.Worker.IntegrationTests.Support;

/// <summary>
/// Whether the fixtures start their servers as containers (Testcontainers) or use the servers named by environment
/// variables, and the one way both fixtures try a container and fall back.
/// <list type="bullet">
/// <item>An engine may answer when <c>DOCKER_HOST</c> is set or <c>/var/run/docker.sock</c> exists
/// (<c>bash .ci/containers up</c> prints a <c>DOCKER_HOST</c> of its own socket).</item>
/// <item><c>WACHT_TEST_CONTAINERS=required</c> (set by <c>./build.sh test</c> when it provides the engine, and by CI):
/// a container that cannot start fails the test with the reason, never falls back, so a run meant to be on containers
/// cannot pass on the environment's servers unnoticed.</item>
/// <item><c>WACHT_TEST_CONTAINERS=off</c> (the smaller set <c>./build.sh test</c> runs on the environment's servers):
/// no container, even where an engine answers.</item>
/// <item>Otherwise a container that cannot start (no engine after all, or an engine without the image and without a
/// registry to pull it from) falls back to the environment's server, and says so in the test output.</item>
/// </list>
/// </summary>
internal static class ContainerEngine
{
    public const string ModeVariable = "WACHT_TEST_CONTAINERS";

    /// <summary>How long one container may take to start, pull included.</summary>
    private static readonly TimeSpan StartBudget = TimeSpan.FromMinutes(3);

    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable(ModeVariable), "required", StringComparison.OrdinalIgnoreCase);

    public static bool Off =>
        string.Equals(Environment.GetEnvironmentVariable(ModeVariable), "off", StringComparison.OrdinalIgnoreCase);

    public static bool MayAnswer => !Off && (
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists("/var/run/docker.sock"));

    /// <summary>Where the engine is, for messages.</summary>
    public static string Endpoint => Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";

    /// <summary>
    /// Starts the container <paramref name="build"/> makes from <paramref name="image"/> and returns it; null when it
    /// cannot start and <paramref name="required"/> is false (the caller then uses <paramref name="fallback"/>, named in
    /// the message written to the test output). <paramref name="build"/> receives the pull policy to apply, which
    /// records whether the engine had the image.
    /// </summary>
    public static async Task<TContainer?> TryStartAsync<TContainer>(
        string image,
        Func<Func<Docker.DotNet.Models.ImageInspectResponse?, bool>, TContainer> build,
        string fallback,
        bool required,
        Action<string>? report = null)
        where TContainer : class, IContainer
    {
        report ??= TestDiagnostics.Report;
        if (!MayAnswer)
        {
            if (required)
            {
                throw new InvalidOperationException(
                    $"{ModeVariable}=required, but no Docker engine is configured (DOCKER_HOST is unset and /var/run/docker.sock "
                    + "does not exist). Run the tests through `./build.sh test` or `bash .ci/containers run ...`.");
            }

            report(Off
                ? $"Testcontainers: off ({ModeVariable}=off); using {fallback}."
                : $"Testcontainers: no Docker engine configured (DOCKER_HOST unset, no /var/run/docker.sock); using {fallback}.");
            return null;
        }

        var imageMissing = false;
        TContainer? container = null;
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // The image is pulled only when the engine lacks it; where no registry answers, the engine fails the pull
            // at once (name resolution), so the fallback below costs seconds, not the start budget.
            container = build(cached =>
            {
                imageMissing = cached is null;
                return imageMissing;
            });
            using var timeout = new CancellationTokenSource(StartBudget);
            await container.StartAsync(timeout.Token);
            report($"Testcontainers: {image} started on {Endpoint} in {started.Elapsed.TotalSeconds:0.0} s.");
            return container;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var after = $"after {started.Elapsed.TotalSeconds:0.0} s";
            var reason = imageMissing
                ? $"the engine at {Endpoint} has no image {image} and could not pull it, {after} ({Flatten(exception)})"
                : $"{image} did not start on the engine at {Endpoint}, {after} ({Flatten(exception)})";
            if (container is not null)
            {
                await container.DisposeAsync();
            }

            if (required)
            {
                throw new InvalidOperationException(
                    $"{ModeVariable}=required and {reason}. Without a registry, `bash .ci/containers up` builds the local images.",
                    exception);
            }

            report($"Testcontainers: {reason}; using {fallback} instead.");
            return null;
        }
    }

    private static string Flatten(Exception exception)
    {
        var messages = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            messages.Add(current.GetType().Name + ": " + current.Message.ReplaceLineEndings(" "));
        }

        return string.Join(" <- ", messages.Distinct(StringComparer.Ordinal));
    }
}
