namespace Wacht.Worker.Messaging;

/// <summary>The message transport (<c>Worker:Messaging:Transport</c>).</summary>
public enum TransportKind
{
    /// <summary>In-process only (the embedded default, demos and tests): commands must come from inside the process.</summary>
    InMemory,

    /// <summary>RabbitMQ: durable queues, publisher confirms.</summary>
    RabbitMq,
}
