using System.Text.Json;
using Wacht.Worker.IntegrationTests.Support;

namespace Wacht.Worker.IntegrationTests;

/// <summary>What the worker declares on the broker.</summary>
public sealed class TransportTests
{
    [Fact]
    public async Task Queues_AreDurableAndKebabCase_AndQuorumWhenConfigured()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync(s => s["Worker:Messaging:RabbitMq:QuorumQueues"] = "true");

        using var http = w.VirtualHost.Broker.ManagementClient();
        foreach (var queue in new[] { "rotate-secret", "revoke-grant", "sync-scopes" })
        {
            using var document = JsonDocument.Parse(await http.GetStringAsync($"api/queues/{w.VirtualHost.Name}/{queue}"));
            Assert.True(document.RootElement.GetProperty("durable").GetBoolean());
            Assert.Equal("quorum", document.RootElement.GetProperty("type").GetString());
        }

        using var exchanges = JsonDocument.Parse(await http.GetStringAsync($"api/exchanges/{w.VirtualHost.Name}"));
        var names = exchanges.RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.Contains("wacht-worker.rotate-secret", names);
        Assert.Contains("wacht-worker.revoke-grant", names);
        Assert.Contains("wacht-worker.sync-scopes", names);
    }

    [Fact]
    public async Task Queues_AreClassicByDefault()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();

        using var http = w.VirtualHost.Broker.ManagementClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync($"api/queues/{w.VirtualHost.Name}/rotate-secret"));
        Assert.Equal("classic", document.RootElement.GetProperty("type").GetString());
        Assert.True(document.RootElement.GetProperty("durable").GetBoolean());
    }
}
