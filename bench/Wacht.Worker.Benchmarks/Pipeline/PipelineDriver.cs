using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Wacht.Worker.Benchmarks.Parts;

namespace Wacht.Worker.Benchmarks.Pipeline;

/// <summary>What one load through the pipeline measured.</summary>
internal sealed record PipelineRun(int Commands, int Failed, double Seconds, double P50Ms, double P99Ms)
{
    public double Throughput => Commands / Seconds;
}

/// <summary>
/// Sends a load of commands at once to the worker's queue (as MassTransit envelopes, as any publisher would) or to the
/// floor's, and times each command from its send to its terminal event (the worker's GrantRevoked or
/// GrantRevocationFailed, the floor's reply). Plain RabbitMQ.Client on both sides, so the driver costs both the same.
/// </summary>
internal sealed class PipelineDriver : IAsyncDisposable
{
    private const string WorkerQueue = "revoke-grant";
    private static readonly string[] WorkerEvents = ["wacht-worker.grant-revoked", "wacht-worker.grant-revocation-failed"];

    private readonly IConnection _connection;
    private readonly IChannel _send;
    private readonly IChannel _receive;
    private readonly bool _worker;
    private readonly string _virtualHost;
    private ConcurrentDictionary<Guid, long> _sent = new();
    private ConcurrentDictionary<Guid, long> _done = new();
    private int _failed;
    private int _expected;
    private TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PipelineDriver(IConnection connection, IChannel send, IChannel receive, bool worker, string virtualHost)
    {
        _connection = connection;
        _send = send;
        _receive = receive;
        _worker = worker;
        _virtualHost = virtualHost;
    }

    public static async Task<PipelineDriver> ConnectAsync(Uri amqp, string virtualHost, bool worker)
    {
        var user = amqp.UserInfo.Split(':');
        var factory = new ConnectionFactory
        {
            HostName = amqp.Host,
            Port = amqp.IsDefaultPort || amqp.Port <= 0 ? 5672 : amqp.Port,
            VirtualHost = virtualHost,
            UserName = Uri.UnescapeDataString(user[0]),
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : "guest",
            ClientProvidedName = "wacht-bench-driver",
        };
        var connection = await factory.CreateConnectionAsync();
        var send = await connection.CreateChannelAsync();
        var receive = await connection.CreateChannelAsync();
        var driver = new PipelineDriver(connection, send, receive, worker, virtualHost);
        string queue;
        if (worker)
        {
            queue = (await receive.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true)).QueueName;
            foreach (var exchange in WorkerEvents)
            {
                // As MassTransit declares them: durable fanout exchanges named by the events' [EntityName].
                await receive.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
                await receive.QueueBindAsync(queue, exchange, string.Empty);
            }
        }
        else
        {
            queue = FloorConsumer.ReplyQueue;
            await receive.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
            await send.QueueDeclareAsync(FloorConsumer.CommandQueue, durable: true, exclusive: false, autoDelete: false);
        }

        var consumer = new AsyncEventingBasicConsumer(receive);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            driver.Received(delivery.Body.Span);
            return Task.CompletedTask;
        };
        await receive.BasicConsumeAsync(queue, autoAck: true, consumer);
        return driver;
    }

    /// <summary>Sends every command at once and waits for every terminal event.</summary>
    public async Task<PipelineRun> RunAsync(IReadOnlyList<BenchCommand> commands, TimeSpan timeout)
    {
        _sent = new ConcurrentDictionary<Guid, long>();
        _done = new ConcurrentDictionary<Guid, long>();
        _failed = 0;
        _expected = commands.Count;
        _all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var bodies = commands.Select(c => (c.CommandId, Body: _worker ? Envelope(c) : Encoding.UTF8.GetBytes(JsonSerializer.Serialize(
            new FloorCommand(c.CommandId, c.DeploymentId, c.AppSlug, c.OAuthClientId, c.GrantId), ChildProcess.Json)))).ToList();
        foreach (var (id, body) in bodies)
        {
            var properties = new BasicProperties
            {
                DeliveryMode = DeliveryModes.Persistent,
                MessageId = id.ToString(),
                ContentType = _worker ? "application/vnd.masstransit+json" : "application/json",
            };
            _sent[id] = Stopwatch.GetTimestamp();
            await _send.BasicPublishAsync(string.Empty, _worker ? WorkerQueue : FloorConsumer.CommandQueue, mandatory: false, properties, body);
        }

        try
        {
            await _all.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Only {_done.Count} of {commands.Count} commands ended within {timeout}.");
        }

        var first = _sent.Values.Min();
        var last = _done.Values.Max();
        var latencies = _done.Select(p => Stopwatch.GetElapsedTime(_sent[p.Key], p.Value).TotalMilliseconds).Order().ToList();
        return new PipelineRun(
            commands.Count,
            _failed,
            Stopwatch.GetElapsedTime(first, last).TotalSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99));
    }

    public async ValueTask DisposeAsync()
    {
        await _send.DisposeAsync();
        await _receive.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private byte[] Envelope(BenchCommand command) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        messageId = command.CommandId,
        destinationAddress = $"rabbitmq://localhost/{Uri.EscapeDataString(_virtualHost)}/{WorkerQueue}",
        messageType = new[] { "urn:message:wacht-worker:revoke-grant:v1" },
        sentTime = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        headers = new { },
        message = new
        {
            commandId = command.CommandId,
            deploymentId = command.DeploymentId,
            appSlug = command.AppSlug,
            oauthClientId = command.OAuthClientId,
            grantId = command.GrantId,
            requestedBy = "wacht-worker benchmark",
            trigger = "command",
        },
    });

    private void Received(ReadOnlySpan<byte> body)
    {
        var now = Stopwatch.GetTimestamp();
        Guid id;
        bool failed;
        if (_worker)
        {
            using var envelope = JsonDocument.Parse(body.ToArray());
            var root = envelope.RootElement;
            id = root.GetProperty("message").GetProperty("commandId").GetGuid();
            failed = root.GetProperty("messageType").EnumerateArray().Any(static t => t.GetString()!.Contains("grant-revocation-failed", StringComparison.Ordinal));
        }
        else
        {
            var reply = JsonSerializer.Deserialize<FloorReply>(body, ChildProcess.Json)!;
            id = reply.CommandId;
            failed = reply.Status != "active";
        }

        if (!_sent.ContainsKey(id) || !_done.TryAdd(id, now))
        {
            return;
        }

        if (failed)
        {
            Interlocked.Increment(ref _failed);
        }

        if (_done.Count >= _expected)
        {
            _all.TrySetResult();
        }
    }
}
