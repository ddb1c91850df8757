using System.Text;
using RabbitMQ.Client;

namespace Wacht.Worker.IntegrationTests.Support;

/// <summary>A virtual host of its own for one test; deleted (with every queue in it) on disposal.</summary>
public sealed class TestVirtualHost(RabbitMqBroker broker, string name) : IAsyncDisposable
{
    public string Name { get; } = name;

    public RabbitMqBroker Broker { get; } = broker;

    /// <summary>Worker settings that put the worker's bus on this virtual host.</summary>
    public void Apply(IDictionary<string, string?> settings)
    {
        settings["Worker:Messaging:Transport"] = "RabbitMq";
        settings["Worker:Messaging:RabbitMq:Host"] = Broker.Amqp.Host;
        settings["Worker:Messaging:RabbitMq:Port"] = Broker.Amqp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Worker:Messaging:RabbitMq:VirtualHost"] = Name;
        settings["Worker:Messaging:RabbitMq:Username"] = Broker.Username;
        settings["Worker:Messaging:RabbitMq:Password"] = Broker.Password;
    }

    /// <summary>Publishes raw bytes straight into a queue, bypassing MassTransit (for malformed messages).</summary>
    public async Task PublishRawAsync(string queue, string body, string contentType = "application/vnd.masstransit+json")
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var properties = new BasicProperties { ContentType = contentType, Persistent = true, MessageId = Guid.NewGuid().ToString() };
        await channel.BasicPublishAsync("", queue, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>The number of ready messages in a queue (0 when it does not exist).</summary>
    public async Task<uint> MessageCountAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0;
        }
    }

    /// <summary>The consumers the broker has on a queue right now (a passive declare; the management API's figures lag).</summary>
    public async Task<uint> ConsumerCountAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount;
    }

    /// <summary>Takes the first message of a queue (or null), acknowledging it.</summary>
    public async Task<string?> GetAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var result = await channel.BasicGetAsync(queue, autoAck: true);
        return result is null ? null : Encoding.UTF8.GetString(result.Body.Span);
    }

    public async ValueTask DisposeAsync()
    {
        using var http = Broker.ManagementClient();
        try
        {
            await http.DeleteAsync($"api/vhosts/{Name}");
        }
        catch (HttpRequestException)
        {
            // Best effort: a leftover test vhost is harmless.
        }
    }

    private Task<IConnection> ConnectAsync()
    {
        var factory = new ConnectionFactory
        {
            HostName = Broker.Amqp.Host,
            Port = Broker.Amqp.Port,
            UserName = Broker.Username,
            Password = Broker.Password,
            VirtualHost = Name,
        };
        return factory.CreateConnectionAsync();
    }
}
