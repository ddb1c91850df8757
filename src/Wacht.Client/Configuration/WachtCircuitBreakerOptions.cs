namespace Wacht.Client;

/// <summary>
/// The circuit breaker of one deployment: when at least <see cref="MinimumThroughput"/> calls were made in
/// <see cref="SamplingDuration"/> and the share of transient failures among them reaches <see cref="FailureRatio"/>,
/// calls fail fast with <see cref="WachtCircuitOpenException"/> for <see cref="BreakDuration"/>.
/// </summary>
public sealed class WachtCircuitBreakerOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Greater than 0, at most 1.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>At least 2.</summary>
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>At least 500 ms.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At least 500 ms.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
