using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Wacht.Worker.Benchmarks.Parts;

/// <summary>
/// The command pipeline's bare floor: a minimal RabbitMQ.Client consumer with the worker's prefetch and concurrency that
/// makes the same two calls per command as the worker's RevokeGrant (list the client's grants, revoke the grant),
/// publishes a reply with publisher confirms (as the worker publishes its events) and acknowledges. No ledger, no lock,
/// no retries, no validation: what the worker adds on top of it is the worker's own cost.
/// </summary>
internal static class FloorConsumer
{
    public const string CommandQueue = "bench-floor-commands";
    public const string ReplyQueue = "bench-floor-replies";
    public const string Ready = "BENCH-READY";

    public static async Task<ChildResult> RunAsync(ChildSpec spec)
    {
        var rabbit = spec.Rabbit ?? throw new ArgumentException("the floor needs a broker");
        var keys = spec.Deployments.ToDictionary(
            static d => d.Id,
            static d => Environment.GetEnvironmentVariable(d.ApiKeyVariable) ?? throw new InvalidOperationException($"{d.ApiKeyVariable} is not set"),
            StringComparer.Ordinal);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(1, spec.Concurrency) };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(spec.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };

        var factory = new ConnectionFactory
        {
            HostName = rabbit.Host,
            Port = rabbit.Port,
            VirtualHost = rabbit.VirtualHost,
            UserName = rabbit.Username,
            Password = Environment.GetEnvironmentVariable(rabbit.PasswordVariable) ?? "guest",
            ConsumerDispatchConcurrency = (ushort)spec.Concurrency,
            ClientProvidedName = "wacht-bench-floor",
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var consume = await connection.CreateChannelAsync();
        await using var publish = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await consume.QueueDeclareAsync(CommandQueue, durable: true, exclusive: false, autoDelete: false);
        await consume.BasicQosAsync(0, (ushort)spec.Prefetch, global: false);

        long handled = 0;
        var consumer = new AsyncEventingBasicConsumer(consume);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            var command = JsonSerializer.Deserialize<FloorCommand>(delivery.Body.Span, ChildProcess.Json)!;
            var key = keys[command.DeploymentId];
            var client = $"oauth/apps/{command.AppSlug}/clients/{command.OAuthClientId}";
            string status;
            using (var list = await SendAsync(http, HttpMethod.Get, key, client + "/grants"))
            {
                using var grants = JsonDocument.Parse(await list.Content.ReadAsByteArrayAsync());
                status = grants.RootElement.GetProperty("grants").EnumerateArray()
                    .Where(g => g.GetProperty("id").GetString() == command.GrantId)
                    .Select(static g => g.GetProperty("status").GetString())
                    .FirstOrDefault() ?? "not_found";
            }

            if (status == "active")
            {
                using var revoke = await SendAsync(http, HttpMethod.Post, key, $"{client}/grants/{command.GrantId}/revoke");
            }

            var reply = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new FloorReply(command.CommandId, status), ChildProcess.Json));
            await publish.BasicPublishAsync(string.Empty, ReplyQueue, mandatory: false, new BasicProperties { DeliveryMode = DeliveryModes.Persistent }, reply);
            await consume.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            Interlocked.Increment(ref handled);
        };
        await consume.BasicConsumeAsync(CommandQueue, autoAck: false, consumer);

        var stopwatch = Stopwatch.StartNew();
        await Console.Out.WriteLineAsync(Ready);
        await Console.Out.FlushAsync();
        while (await Console.In.ReadLineAsync() is { } line && line.Trim() != "stop")
        {
            // Runs until told to stop.
        }

        return new ChildResult { Seconds = stopwatch.Elapsed.TotalSeconds, Calls = Interlocked.Read(ref handled) };
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string apiKey, string path)
    {
        using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Post ? new ByteArrayContent([]) : null };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return response;
    }
}

/// <summary>The floor's command: what RevokeGrant carries, as plain JSON.</summary>
internal sealed record FloorCommand(Guid CommandId, string DeploymentId, string AppSlug, string OAuthClientId, string GrantId);

/// <summary>The floor's reply.</summary>
internal sealed record FloorReply(Guid CommandId, string Status);
