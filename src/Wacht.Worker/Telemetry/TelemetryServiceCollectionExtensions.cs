using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Wacht.Client;
using Wacht.Worker.Commands;
using Wacht.Worker.Health;

namespace Wacht.Worker.Telemetry;

/// <summary>Registers the OpenTelemetry SDK with the worker's sources, meters and the configured exporters.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The OpenTelemetry <c>service.name</c> of the worker (the standard <c>OTEL_SERVICE_NAME</c> overrides it).</summary>
    public const string ServiceName = "wacht-worker";

    /// <summary>Bucket boundaries (seconds) of the worker's duration histograms: a replayed command to a sweep of a large inventory.</summary>
    internal static readonly double[] SecondsBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    /// <summary>MassTransit's ActivitySource and Meter.</summary>
    public const string MassTransitInstrumentationName = "MassTransit";

    /// <summary>
    /// Traces from MassTransit (which continues the sender's trace context from the message headers), the HttpClient
    /// and the worker's own <see cref="WorkerActivitySource"/>; metrics from the <c>Wacht.Worker</c> and
    /// <c>Wacht.Client</c> meters, MassTransit, HttpClient and the runtime; logs with their scopes. Exported over OTLP
    /// when <c>Worker:Telemetry:Otlp:Endpoint</c> (or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) is set, and scraped from
    /// <c>/metrics</c> on the health listener when both it and <c>Worker:Telemetry:Prometheus:Enabled</c> are on.
    /// Nothing is sent anywhere by default.
    /// </summary>
    /// <remarks>
    /// Traces and OpenTelemetry logs are recorded only when they are exported: with no exporter, every span (one per HTTP
    /// call and per published finding) and log record would be built and dropped, which cost the audit a tenth of its
    /// CPU in the benchmark's profile. Without an exporter the worker's own spans are still created, unrecorded, so that
    /// trace context flows from a traced sender through the worker. Metrics are always aggregated (<c>/metrics</c> and
    /// the job's own figures read them).
    /// </remarks>
    public static IServiceCollection AddWachtTelemetry(this IServiceCollection services, IConfiguration configuration) =>
        AddWachtTelemetry(services, configuration, recordUnexported: false);

    /// <summary>
    /// <see cref="AddWachtTelemetry(IServiceCollection, IConfiguration)"/>; <paramref name="recordUnexported"/> records
    /// traces and logs without a configured exporter, for a caller that adds its own (the telemetry tests).
    /// </summary>
    internal static IServiceCollection AddWachtTelemetry(this IServiceCollection services, IConfiguration configuration, bool recordUnexported)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // Read while registering: which exporters exist shapes the providers.
        var options = configuration.GetSection(TelemetryOptions.SectionPath).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var health = configuration.GetSection(HealthOptions.SectionPath).Get<HealthOptions>() ?? new HealthOptions();
        var prometheus = options.Prometheus.Enabled && health.Enabled;
        if (prometheus)
        {
            services.AddSingleton<PrometheusScrapeEndpoint>();
        }

        // The standard variable as the configuration holds it (the host's configuration includes the environment).
        var otlp = options.Otlp.Endpoint is not null || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(ServiceName, serviceVersion: typeof(TelemetryServiceCollectionExtensions).Assembly.GetName().Version?.ToString())
                .AddEnvironmentVariableDetector())
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(CommandMetrics.MeterName, WachtServiceCollectionExtensions.MeterName, MassTransitInstrumentationName)
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();

                // The worker's histograms are in seconds; the SDK's default buckets are for milliseconds.
                foreach (var histogram in (string[])["wacht_worker.command.duration", "wacht_worker.job.duration"])
                {
                    metrics.AddView(histogram, new ExplicitBucketHistogramConfiguration { Boundaries = SecondsBuckets });
                }
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });

        otel.WithTracing(tracing =>
        {
            tracing
                .AddSource(WorkerActivitySource.Name, MassTransitInstrumentationName)
                .AddHttpClientInstrumentation();
            if (!otlp && !recordUnexported)
            {
                // Nothing exports spans: the worker's own (a scheduled job's, a command nobody traced) are created
                // unrecorded, only to carry the trace context, so the events and the calls to Wacht of a traced sender's
                // command still continue its trace (recorded, as that sender sampled it), and log lines keep their ids.
                tracing.SetSampler(new ParentBasedSampler(new AlwaysOffSampler()));
            }
        });

        if (otlp || recordUnexported)
        {
            otel.WithLogging(configureBuilder: null, configureOptions: logging =>
            {
                // The scopes carry the command's id, kind, deployment, app and client on every line of a command.
                logging.IncludeScopes = true;
                logging.IncludeFormattedMessage = true;
            });
        }

        if (options.Otlp.Endpoint is { } endpoint)
        {
            otel.UseOtlpExporter(options.Otlp.Protocol, endpoint);
        }
        else if (otlp)
        {
            // The standard variables (endpoint, protocol, headers) configure the exporter.
            otel.UseOtlpExporter();
        }

        return services;
    }
}

/// <summary>Present when the metrics pipeline has a Prometheus exporter, which the health listener serves at <c>/metrics</c>.</summary>
internal sealed class PrometheusScrapeEndpoint
{
    public const string Path = "/metrics";
}
