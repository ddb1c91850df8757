using MassTransit;
using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.IntegrationTests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests;

/// <summary>Each command end to end through a real RabbitMQ broker: sent by another bus, executed by the worker, observed by a subscriber.</summary>
public sealed class CommandsOverRabbitMqTests
{
    [Fact]
    public async Task RotateSecret_SentToTheQueue_RotatesDeliversAndPublishesSecretRotated()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var command = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id, RequestedBy = "it" };

        await w.SendAsync("rotate-secret", command);
        var rotated = await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId);

        Assert.Equal(client.ClientId, rotated.ClientId);
        Assert.True(w.World.WachtAccepts(client.ClientId, w.World.SecretAtDestination(client.ClientId)));
        var observed = w.Observer.Events.Single(e => e.CommandId == command.CommandId);
        Assert.Equal(command.CommandId, observed.CorrelationId);
        Assert.Contains("urn:message:wacht-worker:secret-rotated:v1", observed.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeGrant_Published_RevokesTheGrant()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var grant = (await w.World.GrantsAsync(WachtWorld.ServiceClient)).First(g => g.Status == GrantStatuses.Active);
        var command = new RevokeGrant { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id, GrantId = grant.Id };

        await w.Bus.Publish(command);
        var revoked = await w.Observer.WaitForAsync<GrantRevoked>(e => e.CommandId == command.CommandId);

        Assert.False(revoked.AlreadyRevoked);
        Assert.Equal(GrantStatuses.Revoked, (await w.World.GrantsAsync(WachtWorld.ServiceClient)).Single(g => g.Id == grant.Id).Status);
    }

    [Fact]
    public async Task SyncScopes_RequestResponse_AnswersTheCaller_AndPublishesForSubscribers()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var command = new SyncScopes
        {
            CommandId = NewId.NextGuid(),
            DeploymentId = WachtWorld.Deployment,
            AppSlug = WachtWorld.AppSlug,
            Scopes = [new DesiredScope { Scope = "reports:export", DisplayName = "Export reports", Category = "personal" }],
        };

        var response = await w.Bus.CreateRequestClient<SyncScopes>().GetResponse<ScopesSynced, ScopeSyncFailed>(command);

        Assert.True(response.Is(out Response<ScopesSynced>? synced));
        Assert.Contains(synced.Message.Changes, c => c.Scope == "reports:export" && c.Action == ScopeChangeActions.Add);
        await w.Observer.WaitForAsync<ScopesSynced>(e => e.CommandId == command.CommandId);
        var app = (await w.World.Wacht.ListOAuthAppsAsync()).Single(a => a.Slug == WachtWorld.AppSlug);
        Assert.Equal("personal", app.ScopeDefinitions.Single(d => d.Scope == "reports:export").Category);
    }

    [Fact]
    public async Task RotateSecret_RequestResponse_AnswersWithTheFailureEventForAnUnsupportedClient()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var client = await w.World.ClientAsync(WachtWorld.PublicClient);
        var command = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };

        var response = await w.Bus.CreateRequestClient<RotateSecret>().GetResponse<SecretRotated, SecretRotationFailed>(command);

        Assert.True(response.Is(out Response<SecretRotationFailed>? failed));
        Assert.Equal(ErrorCodes.RotationNotSupported, failed.Message.ErrorCode);
        await w.Observer.WaitForAsync<SecretRotationFailed>(e => e.CommandId == command.CommandId);
    }

    [Fact]
    public async Task DuplicateCommandId_RotatesOnce_AndSubscribersGetTheSameEventWithTheSameMessageId()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var command = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };

        await w.SendAsync("rotate-secret", command);
        await w.SendAsync("rotate-secret", command);
        var second = await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId, count: 2);

        Assert.Equal(1, w.World.RotateCalls);
        var observed = w.Observer.Events.Where(e => e.CommandId == command.CommandId).ToList();
        Assert.Equal(2, observed.Count);
        Assert.Equal(observed[0].MessageId, observed[1].MessageId);
        Assert.Equal(observed[0].Message, second);
        Assert.True(w.World.WachtAccepts(client.ClientId, w.World.SecretAtDestination(client.ClientId)));
    }

    [Fact]
    public async Task ManyCommandsForOneClient_RunOneAtATime_AndTheLastDeliveredSecretIsTheOneWachtAccepts()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var commands = Enumerable.Range(0, 6)
            .Select(_ => new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id })
            .ToList();

        await Task.WhenAll(commands.Select(c => w.Bus.Publish(c)));
        foreach (var command in commands)
        {
            await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId);
        }

        Assert.Equal(6, w.World.RotateCalls);
        Assert.True(w.World.WachtAccepts(client.ClientId, w.World.SecretAtDestination(client.ClientId)));
    }

    [Fact]
    public async Task RotateSecret_OverTheMessageSizeLimit_IsAnsweredWithASmallInvalidCommandEvent()
    {
        // Issue 9, defect 7 over the real transport: the body's size is known to the consumer, the command is refused
        // before any call, and the 1 MB reason comes back as a 64-character excerpt.
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var command = new RotateSecret
        {
            CommandId = NewId.NextGuid(),
            DeploymentId = WachtWorld.Deployment,
            AppSlug = WachtWorld.AppSlug,
            OAuthClientId = client.Id,
            Reason = new string('r', 1_048_576),
        };
        var callsBefore = w.World.Emulator.Calls.Count("*");

        await w.SendAsync("rotate-secret", command);
        var failed = await w.Observer.WaitForAsync<SecretRotationFailed>(e => e.CommandId == command.CommandId);

        Assert.Equal(ErrorCodes.InvalidCommand, failed.ErrorCode);
        Assert.Contains(failed.FieldErrors, e => e.Field == "(message)" && e.Problem.Contains("524288", StringComparison.Ordinal));
        Assert.Contains(failed.FieldErrors, e => e.Field == "Reason");
        Assert.Equal(new string('r', 64) + "…[truncated, 1048576 chars]", failed.Reason);
        Assert.True(w.Observer.Events.Single(e => e.CommandId == command.CommandId).Body.Length < 16 * 1024);
        Assert.Equal(callsBefore, w.World.Emulator.Calls.Count("*"));
    }
}
