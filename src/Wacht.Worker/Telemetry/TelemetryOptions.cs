using OpenTelemetry.Exporter;

namespace Wacht.Worker.Telemetry;

/// <summary>
/// Where the worker's traces, metrics and logs go (section <c>Worker:Telemetry</c>). Nothing leaves the process unless
/// configured: OTLP is off until an endpoint is set, and the Prometheus endpoint only answers scrapes on the health
/// listener.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionPath = "Worker:Telemetry";

    public OtlpTelemetryOptions Otlp { get; set; } = new();

    public PrometheusTelemetryOptions Prometheus { get; set; } = new();
}

/// <summary>OTLP export of traces, metrics and logs (<c>Worker:Telemetry:Otlp</c>).</summary>
public sealed class OtlpTelemetryOptions
{
    /// <summary>
    /// The collector, e.g. <c>http://otel-collector:4317</c> (gRPC) or <c>http://otel-collector:4318</c> (HTTP; the
    /// signal paths <c>/v1/traces</c> etc. are appended). Unset: no OTLP export, unless the standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> environment variable is set.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary><c>Grpc</c> (default) or <c>HttpProtobuf</c>.</summary>
    public OtlpExportProtocol Protocol { get; set; } = OtlpExportProtocol.Grpc;
}

/// <summary>The Prometheus scrape endpoint <c>/metrics</c> on the health listener (<c>Worker:Telemetry:Prometheus</c>).</summary>
public sealed class PrometheusTelemetryOptions
{
    /// <summary>Serve <c>/metrics</c> on the health listener (when that is enabled). Default true.</summary>
    public bool Enabled { get; set; } = true;
}
