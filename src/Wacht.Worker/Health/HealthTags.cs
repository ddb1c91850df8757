namespace Wacht.Worker.Health;

/// <summary>The tags that put a health check on an endpoint.</summary>
public static class HealthTags
{
    /// <summary>On <c>/health/live</c>: the process answers.</summary>
    public const string Live = "live";

    /// <summary>On <c>/health/ready</c>, and each must be healthy for the worker to be ready (MassTransit tags its bus check so too).</summary>
    public const string Ready = "ready";

    /// <summary>On <c>/health/ready</c> for information: a Wacht deployment's reachability. Never fails readiness.</summary>
    public const string Wacht = "wacht";
}
