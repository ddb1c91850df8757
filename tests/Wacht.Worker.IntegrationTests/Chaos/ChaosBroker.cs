using System.Diagnostics;
using System.Text.RegularExpressions;
using Wacht.Worker.IntegrationTests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests.Chaos;

/// <summary>
/// The chaos suite's own RabbitMQ node (<c>.ci/chaos-broker</c>: Debian's rabbitmq-server on 5673/15673), which the
/// broker-restart scenarios restart; the broker every other test shares is never touched.
/// </summary>
internal static partial class ChaosBroker
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static RabbitMqBroker? _broker;

    public static async Task<RabbitMqBroker> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_broker is null)
            {
                var output = await RunAsync("start");
                string Value(string name) => Regex.Match(output, $"export {name}=(\\S+)").Groups[1].Value;
                _broker = RabbitMqBroker.At(new Uri(Value("WACHT_CHAOS_RABBITMQ")), new Uri(Value("WACHT_CHAOS_RABBITMQ_MANAGEMENT")));
            }

            return _broker;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Stops and starts the broker application: every connection drops, durable queues and messages stay.</summary>
    public static Task RestartAsync() => RunAsync("restart");

    private static async Task<string> RunAsync(string verb)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Repository.File(".ci/chaos-broker"));
        start.ArgumentList.Add(verb);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($".ci/chaos-broker {verb} exited with {process.ExitCode}: {await error}");
        }

        return await output;
    }
}
