using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wacht.Worker.Health;
using Wacht.Worker.Hosting;

namespace Wacht.Worker.TestSupport;

/// <summary>
/// A worker host composed as the executable composes it (<c>AddWachtWorker</c> then <c>AddWachtOperations</c>), without
/// the embedded emulator, with its health listener on a free loopback port. For the health, telemetry and shutdown tests.
/// </summary>
public sealed class OperatedWorker : IAsyncDisposable
{
    private readonly HttpClient _http;

    private OperatedWorker(IHost host, Uri healthAddress, CapturedLogs logs)
    {
        Host = host;
        HealthAddress = healthAddress;
        Logs = logs;
        _http = new HttpClient { BaseAddress = healthAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public IHost Host { get; }

    /// <summary>The listener's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri HealthAddress { get; }

    public CapturedLogs Logs { get; }

    /// <summary>Starts a worker with <paramref name="settings"/> (the health listener on 127.0.0.1, port 0, unless they say otherwise).</summary>
    public static async Task<OperatedWorker> StartAsync(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        settings["Worker:Health:Enabled"] = "true";
        settings.TryAdd("Worker:Health:Port", "0");
        settings.TryAdd("Worker:Health:BindAddress", "127.0.0.1");

        var logs = new CapturedLogs();
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddWachtWorker(builder.Configuration);
        builder.AddWachtOperations();
        services?.Invoke(builder.Services);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        var address = host.Services.GetRequiredService<HealthListener>().Address
            ?? throw new InvalidOperationException("The health listener did not report its address.");
        return new OperatedWorker(host, new Uri(address.GetLeftPart(UriPartial.Authority) + "/"), logs);
    }

    /// <summary>GETs a path of the listener: the status and the body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path.TrimStart('/'));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>GETs <c>/health/ready</c>: the status and the parsed body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync()
    {
        var (status, body) = await GetAsync(HealthListener.ReadyPath);
        using var document = JsonDocument.Parse(body);
        return (status, document.RootElement.Clone());
    }

    /// <summary>
    /// Polls <c>/health/ready</c> until it answers <paramref name="expected"/>; returns the body that did. Fails with the
    /// last body after <paramref name="timeout"/> (a bound for a hung test, not a duration being asserted).
    /// </summary>
    public Task<JsonElement> WaitForReadinessAsync(HttpStatusCode expected, TimeSpan timeout) =>
        WaitForReadinessAsync(expected, static _ => true, timeout);

    /// <summary>
    /// Waits until <c>/health/ready</c> answers <paramref name="expected"/> with a body that satisfies
    /// <paramref name="until"/> (the checks run side by side: one may turn before another).
    /// </summary>
    public async Task<JsonElement> WaitForReadinessAsync(HttpStatusCode expected, Func<JsonElement, bool> until, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(until);
        using var cts = new CancellationTokenSource(timeout);
        var last = default(JsonElement);
        while (true)
        {
            var (status, body) = await ReadyAsync();
            if (status == expected && until(body))
            {
                return body;
            }

            last = body;
            try
            {
                await Task.Delay(200, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"/health/ready did not answer {(int)expected} as expected within {timeout}; last answer: {last}\nWorker logs:\n{Logs.AllText}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            await Host.StopAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            Host.Dispose();
        }
    }
}
