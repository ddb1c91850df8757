using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Wacht.Worker.Benchmarks;

/// <summary>
/// This executable started again as <c>child &lt;spec.json&gt;</c> to run one measured part in a process of its own.
/// Its last <c>BENCH-RESULT</c> line is the result; everything else it prints is kept for the error report.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<ChildResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>Everything the child printed but its result.</summary>
    public string Output => string.Join('\n', _lines);

    public static ChildProcess Start(ChildSpec spec, IReadOnlyDictionary<string, string> environment)
    {
        Directory.CreateDirectory(spec.WorkDirectory);
        var specPath = Path.Combine(spec.WorkDirectory, "spec.json");
        File.WriteAllText(specPath, JsonSerializer.Serialize(spec, Json));

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkDirectory,
        };
        start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        start.ArgumentList.Add("child");
        start.ArgumentList.Add(specPath);
        foreach (var name in start.Environment.Keys.Where(static k =>
            k.StartsWith("Worker__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Wacht__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        if (spec.Part is PartNames.WorkerAudit or PartNames.WorkerSweep or PartNames.WorkerService)
        {
            // The worker hosted in this executable runs with the worker's own runtime settings (Wacht.Worker.csproj:
            // TieredPGO false); the floors and the emulator keep the runtime's defaults.
            start.Environment["DOTNET_TieredPGO"] = "0";
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Line(e.Data);
        process.ErrorDataReceived += (_, e) => child.Line(e.Data);
        process.Exited += (_, _) => child.Exited();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the child's result (and its exit), at most <paramref name="timeout"/>.</summary>
    public async Task<ChildResult> ResultAsync(TimeSpan timeout)
    {
        try
        {
            var result = await _result.Task.WaitAsync(timeout);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return result;
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"The child process did not finish within {timeout}. Its output:\n{Output}");
        }
    }

    /// <summary>Waits until the child prints <c>BENCH-READY</c> (or ends, which fails).</summary>
    public async Task WaitForReadyLineAsync(TimeSpan timeout)
    {
        var ended = await Task.WhenAny(_ready.Task, _result.Task).WaitAsync(timeout);
        if (ended != _ready.Task)
        {
            throw new InvalidOperationException($"The child process ended before it was ready. Its output:\n{Output}");
        }
    }

    /// <summary>Asks a service child to stop (a line on its standard input).</summary>
    public async Task StopAsync()
    {
        await _process.StandardInput.WriteLineAsync("stop");
        await _process.StandardInput.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : "dotnet";

    private void Line(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith(ChildResult.Prefix, StringComparison.Ordinal))
        {
            _result.TrySetResult(JsonSerializer.Deserialize<ChildResult>(line[ChildResult.Prefix.Length..], Json)!);
            return;
        }

        if (line == Parts.FloorConsumer.Ready)
        {
            _ready.TrySetResult();
            return;
        }

        _lines.Enqueue(line);
        while (_lines.Count > 400 && _lines.TryDequeue(out _))
        {
            // Only the last lines matter for an error report.
        }
    }

    private void Exited()
    {
        // The output may still be draining: give the result line a moment before calling it missing.
        _ = Task.Delay(TimeSpan.FromSeconds(5)).ContinueWith(
            _ => _result.TrySetException(new InvalidOperationException(
                $"The child process exited without a result. Its output:\n{Output}")),
            TaskScheduler.Default);
    }
}
