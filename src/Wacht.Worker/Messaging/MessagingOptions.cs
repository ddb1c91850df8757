namespace Wacht.Worker.Messaging;

/// <summary>The worker's messaging settings, section <c>Worker:Messaging</c>.</summary>
public sealed class MessagingOptions
{
    public const string SectionPath = "Worker:Messaging";

    public TransportKind Transport { get; set; } = TransportKind.InMemory;

    public RabbitMqOptions RabbitMq { get; set; } = new();

    public RetryOptions Retry { get; set; } = new();

    /// <summary>
    /// Commands of each kind executed at once (commands for the same client never run together). A command takes a slot
    /// only once it is next for its client: commands queued behind a busy client wait without one.
    /// </summary>
    public int ConcurrentMessageLimit { get; set; } = 8;

    /// <summary>How long a command waits for the lock on its client (or app) before it counts as a transient failure.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long publishing a result event (with publisher confirms) may take before the attempt counts as a transient
    /// failure. Without it a broker that accepts the connection but never confirms (seen during restarts) holds the
    /// command, and its client's lock, indefinitely. The outcome is already in the ledger, so the retry re-publishes it.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Messages each consumer accepts at once, executing or waiting for their client's turn: the RabbitMQ prefetch
    /// (the in-memory transport takes the same number), and never fewer than <see cref="ConcurrentMessageLimit"/>.
    /// </summary>
    internal int InFlightLimit => Math.Max(ConcurrentMessageLimit, RabbitMq.PrefetchCount);
}
