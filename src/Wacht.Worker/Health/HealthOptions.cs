namespace Wacht.Worker.Health;

/// <summary>
/// The health and metrics listener (section <c>Worker:Health</c>): a small HTTP server, separate from everything else
/// the worker does, answering <c>/health/live</c>, <c>/health/ready</c> and (with telemetry's Prometheus exporter)
/// <c>/metrics</c>. The one-shot commands (<c>demo</c>, <c>sweep</c>, <c>audit</c>) never start it (<see cref="WorkerAppOptions.HealthListener"/>).
/// </summary>
public sealed class HealthOptions
{
    public const string SectionPath = "Worker:Health";

    /// <summary>The port the Kubernetes probes, the container HEALTHCHECK and Prometheus use.</summary>
    public const int DefaultPort = 8080;

    /// <summary>Run the listener. Default true; false turns off the probes and <c>/metrics</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The TCP port. Default 8080; 0 picks a free port (tests).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>
    /// The address to listen on: unset (default) for every interface (IPv4 and IPv6), as probes from outside a container
    /// need; e.g. <c>127.0.0.1</c> to answer only locally.
    /// </summary>
    public string? BindAddress { get; set; }

    /// <summary>Longest time one check may take before it counts as failed. Default 5 s.</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a Wacht deployment's reachability result is reused before the deployment is asked again (each check
    /// is one authenticated read, <c>listOAuthApps</c>). Default 1 minute.
    /// </summary>
    public TimeSpan WachtCheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}
