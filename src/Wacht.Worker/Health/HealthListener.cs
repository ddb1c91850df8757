using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Wacht.Worker.Telemetry;

namespace Wacht.Worker.Health;

/// <summary>
/// The health and metrics listener: a Kestrel server of its own (no configuration sources, no other endpoints, no
/// <c>ASPNETCORE_*</c> settings) serving <c>/health/live</c>, <c>/health/ready</c> and, with the Prometheus exporter,
/// <c>/metrics</c> from the worker's own <see cref="HealthCheckService"/> and <see cref="MeterProvider"/>. It is the first
/// hosted service to start and the last to stop, so it answers "not ready" while the worker starts and stops.
/// </summary>
internal sealed class HealthListener(
    IServiceProvider services,
    IOptions<HealthOptions> options,
    ILoggerFactory loggerFactory,
    ILogger<HealthListener> logger) : IHostedService, IAsyncDisposable
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    private WebApplication? _app;

    /// <summary>Where the listener answers once started (the real port when <see cref="HealthOptions.Port"/> is 0).</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(HealthListener).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (string.IsNullOrWhiteSpace(settings.BindAddress))
            {
                kestrel.ListenAnyIP(settings.Port);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(settings.BindAddress), settings.Port);
            }
        });
        builder.Services.AddRoutingCore();

        // The worker's logging (providers, levels, JSON formatter) for Kestrel's own messages.
        builder.Services.AddSingleton(loggerFactory);

        var app = builder.Build();
        var health = services.GetRequiredService<HealthCheckService>();
        app.MapGet(LivePath, http => RespondAsync(
            http, health, static r => r.Tags.Contains(HealthTags.Live), HealthReportWriter.IsLive, "live", "not_live"));
        app.MapGet(ReadyPath, http => RespondAsync(
            http, health, static r => r.Tags.Contains(HealthTags.Ready) || r.Tags.Contains(HealthTags.Wacht), HealthReportWriter.IsReady, "ready", "not_ready"));
        if (services.GetService<PrometheusScrapeEndpoint>() is not null)
        {
            app.MapPrometheusScrapingEndpoint(PrometheusScrapeEndpoint.Path, services.GetRequiredService<MeterProvider>(), configureBranchedPipeline: null, optionsName: null);
        }

        await app.StartAsync(cancellationToken);
        _app = app;
        Address = new Uri(app.Urls.First());
        HealthLog.Listening(logger, Address.ToString());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }

    private static async Task RespondAsync(
        HttpContext http,
        HealthCheckService health,
        Func<HealthCheckRegistration, bool> predicate,
        Func<HealthReport, bool> verdict,
        string good,
        string bad)
    {
        var report = await health.CheckHealthAsync(predicate, http.RequestAborted);
        var ok = verdict(report);
        http.Response.StatusCode = ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.Body.WriteAsync(HealthReportWriter.Write(report, ok ? good : bad), http.RequestAborted);
    }
}
