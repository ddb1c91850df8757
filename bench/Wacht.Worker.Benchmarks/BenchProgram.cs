using System.CommandLine;
using Wacht.Worker.Benchmarks.Parts;
using Wacht.Worker.Messaging;

namespace Wacht.Worker.Benchmarks;

/// <summary>
/// The benchmark's command line: <c>[--size smoke|small|default|large[,...]] [--latency-ms 20[,0...]] [--parts ...]</c>
/// (docs/performance.md). <c>child &lt;spec&gt;</c> is how it starts its own measured parts.
/// </summary>
internal static class BenchProgram
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var size = new Option<string>("--size")
        {
            Description = "World sizes, comma-separated: smoke (CI), small, default (50,000 grants), large (500,000 grants). "
                + "With several, a scaling table compares the audit's time and peak memory with the first.",
            DefaultValueFactory = _ => "default",
        };
        var latency = new Option<string>("--latency-ms")
        {
            Description = "Latency the emulator adds to every API call, in ms, comma-separated for several passes. Default 20.",
            DefaultValueFactory = _ => "20",
        };
        var parts = new Option<string>("--parts")
        {
            Description = "What to run, comma-separated: audit, node, sweep, pipeline. Default all.",
            DefaultValueFactory = _ => "audit,node,sweep,pipeline",
        };
        var rabbit = new Option<string>("--rabbitmq")
        {
            Description = "The broker for the command pipeline (a virtual host of its own is created and deleted). Default "
                + "WACHT_TEST_RABBITMQ, else amqp://guest:guest@127.0.0.1:5672/.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("WACHT_TEST_RABBITMQ") is { Length: > 0 } v ? v : "amqp://guest:guest@127.0.0.1:5672/",
        };
        var management = new Option<string>("--rabbitmq-management")
        {
            Description = "The broker's management API (to create the virtual host). Default WACHT_TEST_RABBITMQ_MANAGEMENT, else http://guest:guest@127.0.0.1:15672/.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("WACHT_TEST_RABBITMQ_MANAGEMENT") is { Length: > 0 } v ? v : "http://guest:guest@127.0.0.1:15672/",
        };
        var maxConcurrentRequests = new Option<int>("--max-concurrent-requests")
        {
            Description = "Wacht:Deployments:{id}:MaxConcurrentRequests for every deployment (the allowed concurrency). Default: the client's default.",
            DefaultValueFactory = _ => new Wacht.Client.WachtDeploymentOptions().MaxConcurrentRequests,
        };
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "Worker:Messaging:ConcurrentMessageLimit, and the floor's concurrency. Default: the worker's default.",
            DefaultValueFactory = _ => new MessagingOptions().ConcurrentMessageLimit,
        };
        var prefetch = new Option<int>("--prefetch")
        {
            Description = "Worker:Messaging:RabbitMq:PrefetchCount, and the floor's prefetch. Default: the worker's default.",
            DefaultValueFactory = _ => new RabbitMqOptions().PrefetchCount,
        };
        var commands = new Option<int?>("--commands") { Description = "Commands per pipeline load (default: by size)." };
        var runLength = new Option<int?>("--run-length") { Description = "Commands in a row for one client in the same-client load (default: by size)." };
        var nodeDir = new Option<string?>("--node-dir")
        {
            Description = "The folder of audit.mjs with @wacht/backend installed (npm ci). Default: node/ beside the benchmark.",
        };

        var root = new RootCommand("Wacht.Worker benchmark: the audit, the sweep and the command pipeline against the emulator, beside their bounds and bare floors.");
        root.Directives.Clear();
        foreach (var option in new Option[] { size, latency, parts, rabbit, management, maxConcurrentRequests, concurrency, prefetch, commands, runLength, nodeDir })
        {
            root.Options.Add(option);
        }

        root.SetAction(async (parse, ct) =>
        {
            var options = new BenchOptions(
                [.. parse.GetValue(size)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(BenchSize.Parse)],
                [.. parse.GetValue(latency)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Latency)],
                [.. parse.GetValue(parts)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Part)],
                new Uri(parse.GetValue(rabbit)!),
                new Uri(parse.GetValue(management)!),
                parse.GetValue(maxConcurrentRequests),
                parse.GetValue(concurrency),
                parse.GetValue(prefetch),
                parse.GetValue(commands),
                parse.GetValue(runLength),
                Path.GetFullPath(parse.GetValue(nodeDir) ?? Path.Combine(AppContext.BaseDirectory, "node")));
            return await new Orchestrator(options, output).RunAsync(ct);
        });

        var spec = new Argument<string>("spec");
        var child = new Command("child", "Runs one measured part (started by the benchmark itself).") { Hidden = true };
        child.Arguments.Add(spec);
        child.SetAction((parse, _) => Child.RunAsync(parse.GetValue(spec)!));
        root.Subcommands.Add(child);

        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    private static int Latency(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms <= 10_000
            ? ms
            : throw new ArgumentException($"--latency-ms: '{text}' is not a number of milliseconds (0 to 10000)");

    private static string Part(string text) =>
        text is "audit" or "node" or "sweep" or "pipeline" ? text : throw new ArgumentException($"--parts: unknown part '{text}' (audit, node, sweep, pipeline)");
}

/// <summary>The benchmark's settings.</summary>
internal sealed record BenchOptions(
    IReadOnlyList<BenchSize> Sizes,
    IReadOnlyList<int> LatenciesMs,
    IReadOnlyList<string> Parts,
    Uri RabbitMq,
    Uri RabbitMqManagement,
    int MaxConcurrentRequests,
    int Concurrency,
    int Prefetch,
    int? Commands,
    int? RunLength,
    string NodeDirectory)
{
    public bool Runs(string part) => Parts.Contains(part, StringComparer.Ordinal);
}
