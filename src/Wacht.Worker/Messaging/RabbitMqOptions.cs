namespace Wacht.Worker.Messaging;

/// <summary>The RabbitMQ connection (<c>Worker:Messaging:RabbitMq</c>).</summary>
public sealed class RabbitMqOptions
{
    public string Host { get; set; } = "localhost";

    /// <summary>0 means the default for the scheme: 5672, or 5671 with TLS.</summary>
    public int Port { get; set; }

    public string VirtualHost { get; set; } = "/";

    public string Username { get; set; } = "guest";

    /// <summary>The password inline (development only); prefer <see cref="PasswordEnvironmentVariable"/>.</summary>
    public string? Password { get; set; }

    /// <summary>Name of an environment variable holding the password.</summary>
    public string? PasswordEnvironmentVariable { get; set; }

    /// <summary>Connect with TLS (AMQPS).</summary>
    public bool UseTls { get; set; }

    /// <summary>The server name to validate the broker's certificate against; defaults to <see cref="Host"/>.</summary>
    public string? TlsServerName { get; set; }

    /// <summary>Declare the worker's queues as quorum queues (replicated; needs a RabbitMQ cluster of 3+ for real safety).</summary>
    public bool QuorumQueues { get; set; }

    /// <summary>
    /// How many unacknowledged messages the broker hands each queue's consumer at once. Larger than the execution
    /// slots (<see cref="MessagingOptions.ConcurrentMessageLimit"/>) so that, when many commands for one client arrive in
    /// a row, commands for other clients further back are already here to run beside them.
    /// </summary>
    public int PrefetchCount { get; set; } = 128;

    /// <summary>Broker heartbeat.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Resolves the password from the inline value or the environment variable; null means the client default.</summary>
    public string? ResolvePassword() =>
        PasswordEnvironmentVariable is { Length: > 0 } name ? Environment.GetEnvironmentVariable(name) : Password;
}
