namespace Wacht.Worker.Messaging.Watchdog;

/// <summary>The consumer watchdog's settings, section <c>Worker:Messaging:Watchdog</c>.</summary>
public sealed class ConsumerWatchdogOptions
{
    public const string SectionPath = "Worker:Messaging:Watchdog";

    /// <summary>Whether the watchdog runs (RabbitMQ transport, service mode only). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the command endpoints are looked at. Default 5 seconds.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a command endpoint may go without its consumer while the broker answers before the watchdog restarts
    /// the bus; the same time again after a restart that did not help, and it stops the process. Default 60 seconds.
    /// </summary>
    public TimeSpan RestartAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the broker probe (a TCP connect to the configured host and port) may take. Default 3 seconds.</summary>
    public TimeSpan BrokerProbeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long stopping, then starting, the bus may each take during a restart. Default 30 seconds.</summary>
    public TimeSpan RestartTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
