using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests.Support;

/// <summary>
/// The worker executable in a process of its own (<c>dotnet Wacht.Worker.dll</c> from the worker project's build
/// output), configured through environment variables as a container would be, in the Production environment, with
/// its health listener on a free loopback port. Its console output is kept for the test.
/// </summary>
public sealed class RunningWorker : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private RunningWorker(Process process, int healthPort)
    {
        _process = process;
        HealthPort = healthPort;
    }

    public int HealthPort { get; }

    public int Id => _process.Id;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output => string.Join('\n', _output);

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the worker with <paramref name="settings"/> (as <c>Section__Key</c> variables) and waits until <c>/health/ready</c> answers 200.</summary>
    public static async Task<RunningWorker> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var dll = WorkerDll();
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["Worker__Embedded__Enabled"] = "false";
        start.Environment["Worker__Health__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Worker__Health__BindAddress"] = "127.0.0.1";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = start };
        var worker = new RunningWorker(process, port);
        process.OutputDataReceived += (_, e) => worker.Add(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await worker.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }

        return worker;
    }

    /// <summary>Sends SIGTERM, as a container runtime or Kubernetes does to stop a pod.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} exited with {kill.ExitCode}.");
        }
    }

    /// <summary>Waits for the process to exit; returns its exit code. Fails (with the output) after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The worker process did not exit within {timeout}. Output:\n{Output}");
        }

        return _process.ExitCode;
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

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var cts = new CancellationTokenSource(timeout);
        var url = new Uri($"http://127.0.0.1:{HealthPort}/health/ready");
        var last = "";
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The worker process exited with {_process.ExitCode} before it was ready. Output:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(url, cts.Token);
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cts.Token)}";
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException exception)
            {
                last = exception.Message;
            }
            catch (OperationCanceledException) when (!cts.IsCancellationRequested)
            {
                last = "no answer within 5 s";
            }

            try
            {
                await Task.Delay(250, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The worker process was not ready within {timeout}; last answer: {last}. Output:\n{Output}");
            }
        }
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    /// <summary>src/Wacht.Worker/bin/{Configuration}/net10.0/Wacht.Worker.dll, built with this test project.</summary>
    private static string WorkerDll()
    {
        var configuration = typeof(RunningWorker).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = Repository.File($"src/Wacht.Worker/bin/{configuration}/net10.0/Wacht.Worker.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"The worker is not built: {dll}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
