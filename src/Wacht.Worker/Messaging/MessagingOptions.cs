namespace Wacht.Worker.Messaging;

/// <summary>The worker's messaging settings, section <c>Worker:Messaging</c>.</summary>
public sealed class MessagingOptions
{
    public const string SectionPath = "Worker:Messaging";

    public TransportKind Transport { get; set; } = TransportKind.InMemory;

    public RabbitMqOptions RabbitMq { get; set; } = new();

    public RetryOptions Retry { get; set; } = new();

    /// <summary>Commands each consumer executes at once (commands for the same client never run together).</summary>
    public int ConcurrentMessageLimit { get; set; } = 8;

    /// <summary>Partitions per consumer: commands for one client (or app) always go through the same partition, in order.</summary>
    public int PartitionCount { get; set; } = 16;
}
