using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Wacht.Worker.TestSupport;

/// <summary>What one run of the real worker executable printed and returned.</summary>
/// <param name="ExitCode">The process's exit code; -1 when it was killed for not exiting in time.</param>
/// <param name="Output">Everything written to stdout.</param>
/// <param name="Error">Everything written to stderr.</param>
/// <param name="TimedOut">Whether the process had to be killed.</param>
public sealed partial record WorkerRun(int ExitCode, string Output, string Error, bool TimedOut)
{
    /// <summary>stdout and stderr together.</summary>
    public string All => Output + "\n" + Error;

    /// <summary>Whether any line looks like a .NET stack frame (<c>   at Namespace.Type.Method(...)</c>).</summary>
    public bool HasStackTrace => StackFrame().IsMatch(All);

    /// <summary>The non-empty lines written to stderr.</summary>
    public IReadOnlyList<string> ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() =>
        $"exit code {ExitCode}{(TimedOut ? " (killed: did not exit in time)" : "")}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";

    [GeneratedRegex(@"^\s+at \S+.*\(.*\)", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}

/// <summary>
/// Runs the real worker executable (<c>dotnet Wacht.Worker.dll ...</c>) as a child process, as an operator would.
/// Configuration is given through environment variables (<c>Worker__Ledger__SqlitePath</c>), which the worker reads in
/// every version, so a test states what it needs without depending on the command-line syntax under test. The child
/// gets a clean environment for the worker's own variables (no inherited <c>Worker__*</c>, <c>Wacht__*</c>,
/// <c>DOTNET_ENVIRONMENT</c> or <c>DOTNET_CONTENTROOT</c>).
/// </summary>
public static class WorkerProcess
{
    /// <summary>The worker's entry assembly as built beside the test assembly (the test project references the worker).</summary>
    public static string WorkerDll => Path.Combine(AppContext.BaseDirectory, "Wacht.Worker.dll");

    /// <summary>
    /// Runs the worker with <paramref name="args"/>. <paramref name="settings"/> become environment variables
    /// (<c>:</c> written as <c>__</c>); <paramref name="environment"/> sets or (null value) removes raw variables;
    /// <paramref name="environmentName"/> is <c>DOTNET_ENVIRONMENT</c> (null: unset, so Production).
    /// A process still running after <paramref name="timeout"/> (default 2 minutes) is killed and reported as timed out.
    /// </summary>
    public static async Task<WorkerRun> RunAsync(
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? settings = null,
        string? environmentName = null,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workerDll = null,
        TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(workerDll ?? WorkerDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("Worker__", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("Wacht__", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase)
                || name is "DOTNET_ENVIRONMENT" or "ASPNETCORE_ENVIRONMENT" or "DOTNET_CONTENTROOT" or "MASSTRANSIT_USAGE_TELEMETRY")
            {
                start.Environment.Remove(name);
            }
        }

        if (environmentName is not null)
        {
            start.Environment["DOTNET_ENVIRONMENT"] = environmentName;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (error)
                {
                    error.AppendLine(e.Data);
                }
            }
        };

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var timedOut = false;
        using (var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2)))
        {
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;

                // Only this child (and what it started) is stopped, by its own handle.
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }

        // Drains the asynchronous readers.
        process.WaitForExit();
        string stdout, stderr;
        lock (output)
        {
            stdout = output.ToString();
        }

        lock (error)
        {
            stderr = error.ToString();
        }

        return new WorkerRun(timedOut ? -1 : process.ExitCode, stdout, stderr, timedOut);
    }

    /// <summary>The dotnet host running the tests (the SDK sets DOTNET_HOST_PATH), else <c>dotnet</c> on the PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
