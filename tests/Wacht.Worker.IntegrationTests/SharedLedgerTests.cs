using MassTransit;
using Wacht.Worker.Contracts;
using Wacht.Worker.IntegrationTests.Ledger;
using Wacht.Worker.IntegrationTests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests;

/// <summary>Several worker instances sharing work through one PostgreSQL ledger and one queue.</summary>
public sealed class SharedLedgerTests
{
    [Fact]
    public async Task TwoInstances_DuplicateCommandsDeliveredToBoth_RotateOnce()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var w = await RabbitWorld.StartAsync();
        void Shared(Dictionary<string, string?> s)
        {
            s["Worker:Ledger:Provider"] = "PostgreSql";
            s["Worker:Ledger:ConnectionString"] = database.ConnectionString;
            // One message at a time per instance: the copies of a command land on different instances.
            s["Worker:Messaging:RabbitMq:PrefetchCount"] = "1";
            s["Worker:Messaging:ConcurrentMessageLimit"] = "1";
        }

        await w.StartWorkerAsync(Shared);
        await w.StartWorkerAsync(Shared);
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var command = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => w.SendAsync("rotate-secret", command)));
        await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId, count: 6);

        Assert.Equal(1, w.World.RotateCalls);
        Assert.True(w.World.WachtAccepts(client.ClientId, w.World.SecretAtDestination(client.ClientId)));
        // By content: record equality would compare SecretRotated.ReloadActions by reference.
        Assert.Single(w.Observer.Events.Select(e => System.Text.Json.JsonSerializer.Serialize(e.Message, e.Message.GetType())).Distinct());
    }

    [Fact]
    public async Task TwoInstances_ManyCommandsForOneClient_EndWithTheSecretWachtAcceptsAtTheDestination()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var w = await RabbitWorld.StartAsync();
        void Shared(Dictionary<string, string?> s)
        {
            s["Worker:Ledger:Provider"] = "PostgreSql";
            s["Worker:Ledger:ConnectionString"] = database.ConnectionString;
        }

        await w.StartWorkerAsync(Shared);
        await w.StartWorkerAsync(Shared);
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var commands = Enumerable.Range(0, 8)
            .Select(_ => new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id })
            .ToList();

        await Task.WhenAll(commands.Select(c => w.SendAsync("rotate-secret", c)));
        foreach (var command in commands)
        {
            await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId);
        }

        // The end state users rely on. (Whether the advisory lock kept the two instances apart is shown by the
        // duplicate test above: without it, both instances rotate.)
        Assert.Equal(8, w.World.RotateCalls);
        Assert.True(w.World.WachtAccepts(client.ClientId, w.World.SecretAtDestination(client.ClientId)));
    }
}
