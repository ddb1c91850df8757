using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace Wacht.Worker.Health;

/// <summary>
/// <c>Wacht.Worker healthcheck [--ready]</c>: asks the running worker's listener on this machine (the configured
/// <c>Worker:Health:Port</c>) for <c>/health/live</c> (or <c>/health/ready</c>) and exits 0 when it answers 200, else 1.
/// It is the container's HEALTHCHECK: the ASP.NET Core runtime image has neither curl nor wget, and this needs nothing
/// but the worker itself. It reads configuration only (no host, no bus, no ledger), so it is cheap to run every 30 s.
/// </summary>
internal static class HealthProbeCommand
{
    public const int Healthy = 0;
    public const int Unhealthy = 1;

    /// <param name="set">The root's <c>--set Key=Value</c> option: a different <c>Worker:Health:Port</c>, for example.</param>
    public static Command Create(Option<string[]> set, TextWriter output, TextWriter error)
    {
        var ready = new Option<bool>("--ready") { Description = "Probe /health/ready instead of /health/live." };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for the answer. Default 5.",
            DefaultValueFactory = _ => 5,
        };
        var command = new Command(
            "healthcheck",
            "Ask the worker running on this machine whether it is live (GET /health/live on Worker:Health:Port) and exit 0 "
            + "when it answers 200, else 1. Used as the container HEALTHCHECK.");
        command.Options.Add(ready);
        command.Options.Add(timeout);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var url = ProbeUrl(Configuration(parse.GetValue(set) ?? []), parse.GetValue(ready));
            return await ProbeAsync(url, TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(timeout))), output, error, cancellationToken);
        });
        return command;
    }

    /// <summary>The URL the probe asks, from <c>Worker:Health</c>: loopback unless the listener is bound to one address.</summary>
    public static Uri ProbeUrl(IConfiguration configuration, bool ready)
    {
        var options = configuration.GetSection(HealthOptions.SectionPath).Get<HealthOptions>() ?? new HealthOptions();
        var host = "127.0.0.1";
        if (IPAddress.TryParse(options.BindAddress, out var address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any))
        {
            host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        }

        return new UriBuilder("http", host, options.Port, ready ? HealthListener.ReadyPath : HealthListener.LivePath).Uri;
    }

    public static async Task<int> ProbeAsync(Uri url, TimeSpan timeout, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = timeout };
        try
        {
            using var response = await http.GetAsync(url, cancellationToken);
            var line = $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
            if (response.StatusCode == HttpStatusCode.OK)
            {
                await output.WriteLineAsync(line);
                return Healthy;
            }

            await error.WriteLineAsync(line);
            return Unhealthy;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"{url}: no answer ({exception.GetType().Name}: {exception.Message})");
            return Unhealthy;
        }
    }

    /// <summary>
    /// The configuration the worker itself would read (the content root is the working directory, as the executable
    /// makes it), without building its host.
    /// </summary>
    private static IConfiguration Configuration(IEnumerable<string> settings)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is { Length: > 0 } name ? name : "Production";
        return new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(settings.Select(static s => s.Split('=', 2)).Select(static p => new KeyValuePair<string, string?>(p[0], p.Length > 1 ? p[1] : null)))
            .Build();
    }
}
