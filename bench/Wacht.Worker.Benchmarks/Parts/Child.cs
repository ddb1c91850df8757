using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;

namespace Wacht.Worker.Benchmarks.Parts;

/// <summary>The child side: reads its spec, runs its part, prints <c>BENCH-RESULT {json}</c> as its last line.</summary>
internal static class Child
{
    public static async Task<int> RunAsync(string specPath)
    {
        var spec = JsonSerializer.Deserialize<ChildSpec>(await File.ReadAllTextAsync(specPath), ChildProcess.Json)
            ?? throw new InvalidOperationException($"{specPath} holds no spec");
        Directory.SetCurrentDirectory(spec.WorkDirectory);
        await using var memory = MemorySampler.Start();
        ChildResult result;
        try
        {
            result = spec.Part switch
            {
                PartNames.WorkerAudit => await WorkerJobAsync(spec, "audit"),
                PartNames.WorkerSweep => await WorkerJobAsync(spec, "sweep"),
                PartNames.WorkerService => await WorkerServiceAsync(spec),
                PartNames.FloorAudit => await FloorAudit.RunAsync(spec),
                PartNames.FloorConsumer => await FloorConsumer.RunAsync(spec),
                _ => throw new ArgumentException($"unknown part '{spec.Part}'"),
            };
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            result = new ChildResult { ExitCode = 1, Error = exception.ToString() };
        }

        using var self = Process.GetCurrentProcess();
        result = result with
        {
            PeakWorkingSetBytes = MemorySampler.PeakWorkingSetBytes(),
            PeakGcHeapBytes = memory.PeakGcHeapBytes,
            CpuSeconds = self.TotalProcessorTime.TotalSeconds,
        };
        Console.Out.WriteLine(ChildResult.Prefix + JsonSerializer.Serialize(result, ChildProcess.Json));
        await Console.Out.FlushAsync();
        return result.ExitCode;
    }

    /// <summary>
    /// The worker's own <c>audit</c> or <c>sweep</c> command (in-memory transport: the events and commands it sends go
    /// nowhere, so only the job itself is measured), timed by the job's own duration metric.
    /// </summary>
    private static async Task<ChildResult> WorkerJobAsync(ChildSpec spec, string command)
    {
        var jobSeconds = 0.0;
        long findings = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Wacht.Worker" && instrument.Name is "wacht_worker.job.duration" or "wacht_worker.audit.findings")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => jobSeconds = value);
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref findings, value));
        listener.Start();

        List<string> args =
        [
            command, "--no-wait",
            .. WorkerSettings.For(spec),
            "--set", "Worker:Messaging:Transport=InMemory",
            "--set", "Worker:AllowDevelopmentDefaults=true",
        ];
        var reportPath = Path.Combine(spec.WorkDirectory, "report.txt");
        int exitCode;
        await using (var report = new StreamWriter(reportPath))
        {
            exitCode = await WorkerCli.RunAsync([.. args], report, Console.Error);
        }

        var lines = 0L;
        long grants = 0, clients = 0;
        foreach (var line in File.ReadLines(reportPath))
        {
            lines++;
            if (line.StartsWith("Apps: ", StringComparison.Ordinal))
            {
                // "Apps: 20   clients: 2000   grants: 50000"
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                clients = long.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture);
                grants = long.Parse(parts[5], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("Clients seen: ", StringComparison.Ordinal))
            {
                clients = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return new ChildResult
        {
            Seconds = jobSeconds,
            ExitCode = exitCode,
            ReportLines = lines,
            Findings = findings,
            Grants = grants,
            Clients = clients,
            Error = exitCode == 0 ? null : $"the worker's {command} exited with {exitCode}; see {reportPath}",
        };
    }

    /// <summary>The worker as a service (RabbitMQ, the command consumers) until the orchestrator says <c>stop</c>.</summary>
    private static async Task<ChildResult> WorkerServiceAsync(ChildSpec spec)
    {
        var rabbit = spec.Rabbit ?? throw new ArgumentException("the service needs a broker");
        List<string> args =
        [
            .. WorkerSettings.For(spec),
            "--set", "Worker:Messaging:Transport=RabbitMq",
            "--set", $"Worker:Messaging:RabbitMq:Host={rabbit.Host}",
            "--set", $"Worker:Messaging:RabbitMq:Port={rabbit.Port}",
            "--set", $"Worker:Messaging:RabbitMq:VirtualHost={rabbit.VirtualHost}",
            "--set", $"Worker:Messaging:RabbitMq:Username={rabbit.Username}",
            "--set", $"Worker:Messaging:RabbitMq:PasswordEnvironmentVariable={rabbit.PasswordVariable}",
            "--set", $"Worker:Messaging:ConcurrentMessageLimit={spec.Concurrency}",
            "--set", $"Worker:Messaging:RabbitMq:PrefetchCount={spec.Prefetch}",
            "--set", "Worker:GrantAudit:Enabled=false",
            "--set", "Worker:RotationSweep:Enabled=false",
        ];
        using var stop = new CancellationTokenSource();
        var stopped = Task.Run(async () =>
        {
            while (await Console.In.ReadLineAsync() is { } line)
            {
                if (line.Trim() == "stop")
                {
                    break;
                }
            }

            await stop.CancelAsync();
        });
        var stopwatch = Stopwatch.StartNew();
        var exitCode = await WorkerCli.RunAsync([.. args], Console.Out, Console.Error, stop.Token);
        return new ChildResult
        {
            Seconds = stopwatch.Elapsed.TotalSeconds,
            ExitCode = stop.IsCancellationRequested ? 0 : Math.Max(1, exitCode),
            Error = stop.IsCancellationRequested ? null : $"the worker stopped by itself (exit code {exitCode})",
        };
    }
}
