using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Wacht.Emulator;
using Wacht.Worker.Benchmarks.Pipeline;
using Wacht.Worker.Jobs;

namespace Wacht.Worker.Benchmarks;

/// <summary>
/// Runs the benchmark: per size, the emulator in this process with the generated world and the latency, then each part
/// in a child process of its own, and one table per run with the worker, its ideal bound and its bare floor side by side.
/// </summary>
internal sealed class Orchestrator(BenchOptions options, TextWriter output)
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(20);
    private readonly string _work = Directory.CreateTempSubdirectory("wacht-bench-").FullName;
    private readonly List<(BenchSize Size, int LatencyMs, ChildResult Audit)> _audits = [];
    private int _children;
    private bool _failed;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        Write($"Wacht.Worker benchmark: sizes {string.Join(", ", options.Sizes.Select(s => s.Name))}; latency {string.Join(", ", options.LatenciesMs)} ms; "
            + $"parts {string.Join(", ", options.Parts)}. Load average at start: {LoadAverage.Read()}.");
        Write("Figures taken while other work runs on the machine are noisy: compare within one run, or on a quiet machine.");
        try
        {
            foreach (var size in options.Sizes)
            {
                await RunSizeAsync(size, cancellationToken);
            }

            PrintScaling();

            // A slow figure never fails the run; a part that failed or saw the wrong world does (CI's smoke run).
            return _failed ? 1 : 0;
        }
        finally
        {
            try
            {
                Directory.Delete(_work, recursive: true);
            }
            catch (IOException)
            {
                // A child's file still open: the temporary folder goes with the machine's cleanup.
            }
        }
    }

    private async Task RunSizeAsync(BenchSize size, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var seed = SeedGenerator.Generate(size.Generator());
        var emulatorOptions = new EmulatorOptions { Seed = seed, LatencyMs = options.LatenciesMs[0] };
        await using var emulator = await WachtEmulator.StartAsync(emulatorOptions, cancellationToken);
        var deployments = seed.Deployments.Select((d, i) => new BenchDeployment(d.Id!, $"WACHT_BENCH_API_KEY_{i}")).ToList();
        var environment = seed.Deployments.Select((d, i) => (Name: $"WACHT_BENCH_API_KEY_{i}", Key: SeedGeneratorOptions.DefaultApiKey(d.Id!)))
            .ToDictionary(static p => p.Name, static p => p.Key, StringComparer.Ordinal);
        Write();
        Write($"### size {size.Name}: {size.Describe()} (world generated and served in {stopwatch.Elapsed.TotalSeconds:0.0} s)");

        // The emulator is a .NET process too: the first walk of a fresh one paid its JIT and connection set-up, and that
        // walk was always the worker's (the floor ran second, on a warm emulator). One unmeasured walk at 0 ms first.
        // (Each pass below sets its own latency.)
        stopwatch.Restart();
        emulatorOptions.LatencyMs = 0;
        var warmUp = await RunChildAsync(new RunContext(size, 0, emulator, emulatorOptions, deployments, environment), PartNames.FloorAudit);
        Check(warmUp, "emulator warm-up");
        Write($"(emulator warmed up by one unmeasured walk of every client at 0 ms: {stopwatch.Elapsed.TotalSeconds:0.0} s)");

        for (var pass = 0; pass < options.LatenciesMs.Count; pass++)
        {
            var latency = options.LatenciesMs[pass];
            if (pass > 0)
            {
                // The pipeline revoked grants: every pass starts from the same world.
                emulator.Reset();
            }

            emulatorOptions.LatencyMs = latency;
            var context = new RunContext(size, latency, emulator, emulatorOptions, deployments, environment);
            if (options.Runs("audit"))
            {
                await AuditAsync(context);
            }

            if (options.Runs("node") && pass == 0)
            {
                await NodeComparisonAsync(context);
                emulatorOptions.LatencyMs = latency;
            }

            if (options.Runs("sweep"))
            {
                await SweepAsync(context);
            }

            if (options.Runs("pipeline"))
            {
                await PipelineAsync(context, seed, cancellationToken);
            }
        }
    }

    private async Task AuditAsync(RunContext context)
    {
        var load = LoadAverage.Read();
        var worker = await RunChildAsync(context, PartNames.WorkerAudit);
        var floor = await RunChildAsync(context, PartNames.FloorAudit);
        _audits.Add((context.Size, context.LatencyMs, worker));

        var size = context.Size;
        var allowed = context.AllowedConcurrency(options);
        var bound = size.AuditCalls * context.LatencyMs / 1000.0 / allowed;
        Title($"Grant audit, size {size.Name}: {size.Describe()}; latency {context.LatencyMs} ms", load);
        Write($"API calls: {size.AuditCalls:N0}; allowed concurrency: {allowed} ({size.Deployments} deployments x MaxConcurrentRequests {options.MaxConcurrentRequests}); ideal bound = calls x latency / allowed concurrency");
        var table = new TextTable(("", 0), ("SECONDS", 0), ("VS BOUND", 0), ("GRANTS/S", 0), ("PROCESS CPU S", 0), ("PEAK WORKING SET", 0), ("PEAK GC HEAP", 0), ("FINDINGS", 0), ("REPORT LINES", 0));
        table.Add("worker (audit command)", Seconds(worker.Seconds), Ratio(worker.Seconds, bound), Rate(size.TotalGrants, worker.Seconds), Seconds(worker.CpuSeconds), MiB(worker.PeakWorkingSetBytes), MiB(worker.PeakGcHeapBytes), worker.Findings.ToString("N0", CultureInfo.InvariantCulture), worker.ReportLines.ToString("N0", CultureInfo.InvariantCulture));
        table.Add("bare floor (same calls, HttpClient)", Seconds(floor.Seconds), Ratio(floor.Seconds, bound), Rate(floor.Grants, floor.Seconds), Seconds(floor.CpuSeconds), MiB(floor.PeakWorkingSetBytes), MiB(floor.PeakGcHeapBytes), "-", "-");
        table.Add("ideal bound", Seconds(bound), bound > 0 ? "1.00x" : "-", Rate(size.TotalGrants, bound), "-", "-", "-", "-", "-");
        table.WriteTo(output);
        Check(worker, "worker audit");
        Check(floor, "audit floor");
        if (worker.Grants != size.TotalGrants)
        {
            _failed = true;
            Write($"!! the worker's audit saw {worker.Grants:N0} grants of {size.TotalGrants:N0}");
        }
    }

    private async Task NodeComparisonAsync(RunContext context)
    {
        var load = LoadAverage.Read();
        context.EmulatorOptions.LatencyMs = 0;
        var worker = await RunChildAsync(context, PartNames.WorkerAudit);
        Title($"Grant audit at 0 ms latency: the worker vs a sequential script through the official Node SDK (@wacht/backend 1.0.0-beta.20), size {context.Size.Name}", load);
        var table = new TextTable(("", 0), ("SECONDS", 0), ("GRANTS/S", 0), ("PEAK WORKING SET", 0), ("FINDINGS", 0));
        table.Add("worker (audit command)", Seconds(worker.Seconds), Rate(context.Size.TotalGrants, worker.Seconds), MiB(worker.PeakWorkingSetBytes), worker.Findings.ToString("N0", CultureInfo.InvariantCulture));
        var (node, skipped) = await RunNodeAsync(context);
        if (node is not null)
        {
            table.Add("node SDK, sequential", Seconds(node.Seconds), Rate(node.Grants, node.Seconds), MiB(node.PeakWorkingSetBytes), node.Findings.ToString("N0", CultureInfo.InvariantCulture));
        }

        table.WriteTo(output);
        Write(node is null
            ? $"node SDK, sequential: skipped: {skipped}"
            : $"The worker is {node.Seconds / Math.Max(worker.Seconds, 1e-9):0.00}x as fast as the sequential Node SDK script.");
        Check(worker, "worker audit at 0 ms");
    }

    private async Task SweepAsync(RunContext context)
    {
        var load = LoadAverage.Read();
        var worker = await RunChildAsync(context, PartNames.WorkerSweep);
        var size = context.Size;
        var bound = size.SweepCalls * context.LatencyMs / 1000.0 / context.AllowedConcurrency(options);
        Title($"Rotation sweep, size {size.Name}: {size.TotalClients:N0} clients; latency {context.LatencyMs} ms", load);
        Write($"API calls: {size.SweepCalls:N0} (apps, then clients per app; no call per client); one ledger read per client");
        var table = new TextTable(("", 0), ("SECONDS", 0), ("VS BOUND", 0), ("CLIENTS/S", 0), ("PEAK WORKING SET", 0), ("PEAK GC HEAP", 0), ("REPORT LINES", 0));
        table.Add("worker (sweep command)", Seconds(worker.Seconds), Ratio(worker.Seconds, bound), Rate(size.TotalClients, worker.Seconds), MiB(worker.PeakWorkingSetBytes), MiB(worker.PeakGcHeapBytes), worker.ReportLines.ToString("N0", CultureInfo.InvariantCulture));
        table.Add("ideal bound", Seconds(bound), bound > 0 ? "1.00x" : "-", Rate(size.TotalClients, bound), "-", "-", "-");
        table.WriteTo(output);
        Check(worker, "worker sweep");
    }

    private async Task PipelineAsync(RunContext context, EmulatorSeed seed, CancellationToken cancellationToken)
    {
        var load = LoadAverage.Read();
        var size = context.Size;
        var count = options.Commands ?? size.Commands;
        var runLength = options.RunLength ?? size.RunLength;
        var pool = new GrantPool(seed);
        var warmUp = Math.Min(2 * options.Concurrency, count);
        await using var vhost = await BenchVirtualHost.CreateAsync(options.RabbitMqManagement, options.RabbitMq, cancellationToken);

        var worker = await PipelineSideAsync(context, vhost, worker: true, pool, count, runLength, warmUp);
        var floor = await PipelineSideAsync(context, vhost, worker: false, pool, count, runLength, warmUp);

        Title($"Command pipeline, size {size.Name}: RevokeGrant over RabbitMQ (virtual host {vhost.Name}), {count:N0} commands sent at once per load; "
            + $"prefetch {options.Prefetch}, concurrency {options.Concurrency}; latency {context.LatencyMs} ms; same-client runs of {runLength}", load);
        var boundRate = context.LatencyMs == 0 ? double.PositiveInfinity : options.Concurrency / (2 * context.LatencyMs / 1000.0);
        var table = new TextTable(("", 0), ("CMD/S", 0), ("VS FLOOR", 0), ("P50 MS", 0), ("P99 MS", 0), ("P99 VS FLOOR", 0), ("FAILED", 0), ("PEAK WORKING SET", 0), ("PROCESS CPU S (BOTH LOADS)", 0));
        table.Add("worker, spread-out clients", Rate(worker.Spread), Ratio(worker.Spread.Throughput, floor.Spread.Throughput), Ms(worker.Spread.P50Ms), Ms(worker.Spread.P99Ms), Ratio(worker.Spread.P99Ms, floor.Spread.P99Ms), worker.Spread.Failed, MiB(worker.Process.PeakWorkingSetBytes), Seconds(worker.Process.CpuSeconds));
        table.Add("bare floor, spread-out clients", Rate(floor.Spread), "1.00x", Ms(floor.Spread.P50Ms), Ms(floor.Spread.P99Ms), "1.00x", floor.Spread.Failed, MiB(floor.Process.PeakWorkingSetBytes), Seconds(floor.Process.CpuSeconds));
        table.Add("worker, same-client runs", Rate(worker.Same), Ratio(worker.Same.Throughput, floor.Same.Throughput), Ms(worker.Same.P50Ms), Ms(worker.Same.P99Ms), Ratio(worker.Same.P99Ms, floor.Same.P99Ms), worker.Same.Failed, "-", "-");
        table.Add("bare floor, same-client runs", Rate(floor.Same), "1.00x", Ms(floor.Same.P50Ms), Ms(floor.Same.P99Ms), "1.00x", floor.Same.Failed, "-", "-");
        table.Add("ideal bound (2 calls x latency / concurrency)", double.IsInfinity(boundRate) ? "-" : boundRate.ToString("N0", CultureInfo.InvariantCulture), "-", "-", "-", "-", "-", "-", "-");
        table.WriteTo(output);
        Write($"Worker, same-client runs vs spread-out: {worker.Same.Throughput / worker.Spread.Throughput:0.00}x (the bare floor, which locks nothing: {floor.Same.Throughput / floor.Spread.Throughput:0.00}x).");
        Check(worker.Process, "worker service");
        Check(floor.Process, "pipeline floor");
    }

    private async Task<(PipelineRun Spread, PipelineRun Same, ChildResult Process)> PipelineSideAsync(
        RunContext context, BenchVirtualHost vhost, bool worker, GrantPool pool, int count, int runLength, int warmUp)
    {
        var port = FreePort();
        var spec = Spec(context, worker ? PartNames.WorkerService : PartNames.FloorConsumer) with
        {
            Rabbit = new BenchRabbit(options.RabbitMq.Host, options.RabbitMq.IsDefaultPort || options.RabbitMq.Port <= 0 ? 5672 : options.RabbitMq.Port, vhost.Name, vhost.Username, "WACHT_BENCH_RABBITMQ_PASSWORD"),
            Concurrency = options.Concurrency,
            Prefetch = options.Prefetch,
            HealthPort = port,
        };
        var environment = new Dictionary<string, string>(context.Environment) { ["WACHT_BENCH_RABBITMQ_PASSWORD"] = vhost.Password };
        await using var child = ChildProcess.Start(spec, environment);
        if (worker)
        {
            await WaitUntilReadyAsync(child, port);
        }
        else
        {
            await child.WaitForReadyLineAsync(TimeSpan.FromMinutes(2));
        }

        await using var driver = await PipelineDriver.ConnectAsync(options.RabbitMq, vhost.Name, worker);
        var timeout = TimeSpan.FromMinutes(10);
        await driver.RunAsync(pool.SpreadOut(warmUp), timeout);
        var spread = await driver.RunAsync(pool.SpreadOut(count), timeout);
        var same = await driver.RunAsync(pool.SameClientRuns(count, runLength), timeout);
        await child.StopAsync();
        var result = await child.ResultAsync(TimeSpan.FromMinutes(2));
        return (spread, same, result);
    }

    private async Task<(ChildResult? Result, string? Skipped)> RunNodeAsync(RunContext context)
    {
        var node = FindOnPath("node");
        if (node is null)
        {
            return (null, "node not found");
        }

        var script = Path.Combine(options.NodeDirectory, "audit.mjs");
        if (!File.Exists(script) || !Directory.Exists(Path.Combine(options.NodeDirectory, "node_modules", "@wacht", "backend")))
        {
            return (null, $"@wacht/backend is not installed beside {script} (./build.sh bench runs npm ci there)");
        }

        var start = new ProcessStartInfo(node) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = options.NodeDirectory };
        start.ArgumentList.Add(script);
        start.Environment["WACHT_BENCH_BASE_URL"] = context.Emulator.BaseAddress.ToString();
        start.Environment["WACHT_BENCH_DEPLOYMENTS"] = string.Join(',', context.Deployments.Select(static d => $"{d.Id}:{d.ApiKeyVariable}"));
        foreach (var (name, value) in context.Environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ChildTimeout);
        await process.WaitForExitAsync(timeout.Token);
        var line = (await stdout).Split('\n').LastOrDefault(static l => l.StartsWith(ChildResult.Prefix, StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            return (null, $"the script failed (exit code {process.ExitCode}): {(await stderr).Trim()}");
        }

        using var json = JsonDocument.Parse(line[ChildResult.Prefix.Length..]);
        var root = json.RootElement;
        return (new ChildResult
        {
            Seconds = root.GetProperty("seconds").GetDouble(),
            Calls = root.GetProperty("calls").GetInt64(),
            Grants = root.GetProperty("grants").GetInt64(),
            Findings = root.GetProperty("findings").GetInt64(),
            PeakWorkingSetBytes = root.GetProperty("peakWorkingSetBytes").GetInt64(),
        }, null);
    }

    private async Task<ChildResult> RunChildAsync(RunContext context, string part)
    {
        await using var child = ChildProcess.Start(Spec(context, part), context.Environment);
        return await child.ResultAsync(ChildTimeout);
    }

    private ChildSpec Spec(RunContext context, string part) => new()
    {
        Part = part,
        WorkDirectory = Path.Combine(_work, $"{Interlocked.Increment(ref _children):D2}-{part}"),
        BaseUrl = context.Emulator.BaseAddress.ToString(),
        Deployments = context.Deployments,
        MaxConcurrentRequests = options.MaxConcurrentRequests,
    };

    private static async Task WaitUntilReadyAsync(ChildProcess child, int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException($"The worker service was not ready within 2 minutes. Its output:\n{child.Output}");
    }

    private void PrintScaling()
    {
        foreach (var latency in _audits.Select(static a => a.LatencyMs).Distinct())
        {
            var runs = _audits.Where(a => a.LatencyMs == latency).ToList();
            if (runs.Count < 2)
            {
                continue;
            }

            var (firstSize, _, first) = runs[0];
            Title($"Scaling of the audit (latency {latency} ms): each size against {firstSize.Name}", LoadAverage.Read());
            var table = new TextTable(("SIZE", 0), ("GRANTS", 0), ("WORK RATIO", 0), ("SECONDS", 0), ("TIME RATIO", 0), ("PEAK WORKING SET", 0), ("MEMORY RATIO", 0), ("PEAK GC HEAP", 0), ("GC HEAP RATIO", 0));
            foreach (var (size, _, audit) in runs)
            {
                table.Add(size.Name, size.TotalGrants.ToString("N0", CultureInfo.InvariantCulture), Ratio(size.TotalGrants, firstSize.TotalGrants), Seconds(audit.Seconds), Ratio(audit.Seconds, first.Seconds),
                    MiB(audit.PeakWorkingSetBytes), Ratio(audit.PeakWorkingSetBytes, first.PeakWorkingSetBytes), MiB(audit.PeakGcHeapBytes), Ratio(audit.PeakGcHeapBytes, first.PeakGcHeapBytes));
            }

            table.WriteTo(output);
        }
    }

    private void Check(ChildResult result, string what)
    {
        if (result.ExitCode != 0 || result.Error is not null)
        {
            _failed = true;
            Write($"!! {what} failed (exit code {result.ExitCode}): {result.Error}");
        }
    }

    private void Title(string title, string load)
    {
        Write();
        Write($"== {title} ==");
        Write($"load average at start: {load}");
    }

    private void Write(string line = "") => output.WriteLine(line);

    private static string Seconds(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture);

    private static string MiB(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";

    private static string Rate(double items, double seconds) => seconds > 0 ? (items / seconds).ToString("N0", CultureInfo.InvariantCulture) : "-";

    private static string Rate(PipelineRun run) => run.Throughput.ToString("N1", CultureInfo.InvariantCulture);

    private static string Ratio(double value, double reference) =>
        reference > 0 && !double.IsInfinity(reference) ? (value / reference).ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-";

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>What every run of one pass shares.</summary>
    private sealed record RunContext(
        BenchSize Size,
        int LatencyMs,
        WachtEmulator Emulator,
        EmulatorOptions EmulatorOptions,
        IReadOnlyList<BenchDeployment> Deployments,
        IReadOnlyDictionary<string, string> Environment)
    {
        /// <summary>The allowed concurrency: every deployment's MaxConcurrentRequests together.</summary>
        public int AllowedConcurrency(BenchOptions options) => Size.Deployments * options.MaxConcurrentRequests;
    }
}

/// <summary>The command pipeline's own RabbitMQ virtual host (and the broker user's rights on it), deleted afterwards.</summary>
internal sealed class BenchVirtualHost : IAsyncDisposable
{
    private readonly HttpClient _http;

    private BenchVirtualHost(HttpClient http, string name, string username, string password)
    {
        _http = http;
        Name = name;
        Username = username;
        Password = password;
    }

    public string Name { get; }

    public string Username { get; }

    public string Password { get; }

    public static async Task<BenchVirtualHost> CreateAsync(Uri management, Uri amqp, CancellationToken cancellationToken)
    {
        var http = new HttpClient { BaseAddress = new Uri(management.GetLeftPart(UriPartial.Authority) + "/"), Timeout = TimeSpan.FromSeconds(30) };
        var managementUser = Uri.UnescapeDataString(management.UserInfo);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(managementUser)));
        var user = amqp.UserInfo.Split(':');
        var username = Uri.UnescapeDataString(user[0]);
        var name = "wacht-bench-" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            (await http.PutAsync($"api/vhosts/{name}", null, cancellationToken)).EnsureSuccessStatusCode();
            using var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
            (await http.PutAsync($"api/permissions/{name}/{Uri.EscapeDataString(username)}", permissions, cancellationToken)).EnsureSuccessStatusCode();
        }
        catch
        {
            http.Dispose();
            throw;
        }

        return new BenchVirtualHost(http, name, username, user.Length > 1 ? Uri.UnescapeDataString(user[1]) : "guest");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _http.DeleteAsync($"api/vhosts/{Name}");
        }
        catch (HttpRequestException)
        {
            // Left behind; its name says what it was.
        }

        _http.Dispose();
    }
}
