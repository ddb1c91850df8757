using System.Text;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.IntegrationTests.Support;
using Wacht.Worker.Rotation;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests;

/// <summary>
/// The authorisation policy on the real broker, with broker users of their own: RabbitMQ validates each message's
/// user_id against the sending connection, and the worker decides on that validated user.
/// </summary>
public sealed class AuthorizationOverRabbitMqTests
{
    [Fact]
    public async Task PolicyOn_EachSenderMaySendWhatItsGrantAllows_AndEveryEventNamesTheValidatedSender()
    {
        await using var w = await RabbitWorld.StartAsync();
        await using var rotator = await w.VirtualHost.Broker.CreateUserAsync(w.VirtualHost, "rotator");
        await using var revoker = await w.VirtualHost.Broker.CreateUserAsync(w.VirtualHost, "revoker");
        await w.StartWorkerAsync(s => Policy(s, rotator, revoker));
        var rotatorBus = await w.StartSenderAsync(rotator, rotator.Name);
        var revokerBus = await w.StartSenderAsync(revoker, revoker.Name);
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var grant = (await w.World.GrantsAsync(WachtWorld.ServiceClient)).First(g => g.Status == GrantStatuses.Active);

        var allowed = Rotate(client.Id, "rotation by its pipeline");
        await Send(rotatorBus, "rotate-secret", allowed);
        var rotated = await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == allowed.CommandId);

        var refused = Rotate(client.Id, "the revoker tries to rotate");
        await Send(revokerBus, "rotate-secret", refused);
        var forbidden = await w.Observer.WaitForAsync<SecretRotationFailed>(e => e.CommandId == refused.CommandId);

        var revoke = new RevokeGrant { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id, GrantId = grant.Id, RequestedBy = "claims to be the rotator" };
        await Send(revokerBus, "revoke-grant", revoke);
        var revoked = await w.Observer.WaitForAsync<GrantRevoked>(e => e.CommandId == revoke.CommandId);

        Assert.Equal(rotator.Name, rotated.SentBy);
        Assert.Equal(ErrorCodes.Forbidden, forbidden.ErrorCode);
        Assert.Equal(revoker.Name, forbidden.SentBy);
        Assert.False(forbidden.Retryable);
        Assert.False(forbidden.OldSecretMayBeInvalid);
        Assert.Contains("may not send RotateSecret", forbidden.Message, StringComparison.Ordinal);
        Assert.Equal(1, w.World.RotateCalls);
        Assert.Equal(revoker.Name, revoked.SentBy);
        Assert.Equal("claims to be the rotator", revoked.RequestedBy);
        Assert.True(w.World.WachtAccepts(client.ClientId, w.World.SecretAtDestination(client.ClientId)));
    }

    [Fact]
    public async Task PolicyOn_ACommandWithoutAValidatedUser_IsForbidden_AndNothingIsCalledOrRecorded()
    {
        await using var w = await RabbitWorld.StartAsync();
        await using var rotator = await w.VirtualHost.Broker.CreateUserAsync(w.VirtualHost, "rotator");
        await using var revoker = await w.VirtualHost.Broker.CreateUserAsync(w.VirtualHost, "revoker");
        var worker = await w.StartWorkerAsync(s => Policy(s, rotator, revoker));
        var anonymous = await w.StartSenderAsync(rotator, userId: null);
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Rotate(client.Id, "no user_id");

        await Send(anonymous, "rotate-secret", command);
        var failed = await w.Observer.WaitForAsync<SecretRotationFailed>(e => e.CommandId == command.CommandId);

        Assert.Equal(ErrorCodes.Forbidden, failed.ErrorCode);
        Assert.Null(failed.SentBy);
        Assert.Contains("no broker-validated user", failed.Message, StringComparison.Ordinal);
        Assert.Equal(0, w.World.RotateCalls);
        var ledger = worker.Services.GetRequiredService<Worker.Ledger.ICommandLedger>();
        Assert.Null(await ledger.FindAsync(command.CommandId, CancellationToken.None));
    }

    [Fact]
    public async Task AUserIdOfAnotherUser_IsRefusedByTheBroker_SoNoSenderCanPassForAnother()
    {
        await using var w = await RabbitWorld.StartAsync();
        await using var rotator = await w.VirtualHost.Broker.CreateUserAsync(w.VirtualHost, "rotator");
        await using var revoker = await w.VirtualHost.Broker.CreateUserAsync(w.VirtualHost, "revoker");
        await w.StartWorkerAsync(s => Policy(s, rotator, revoker));
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var factory = new ConnectionFactory
        {
            HostName = w.VirtualHost.Broker.Amqp.Host,
            Port = w.VirtualHost.Broker.Amqp.Port,
            VirtualHost = w.VirtualHost.Name,
            UserName = revoker.Name,
            Password = revoker.Password,
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var body = $$$"""{"messageType":["urn:message:wacht-worker:rotate-secret:v1"],"message":{"commandId":"{{{NewId.NextGuid()}}}","deploymentId":"{{{WachtWorld.Deployment}}}","appSlug":"{{{WachtWorld.AppSlug}}}","oauthClientId":"{{{client.Id}}}"}}""";
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", UserId = rotator.Name, Persistent = true };

        // The broker closes the channel (PRECONDITION_FAILED: user_id property set to '…' but authenticated user was '…').
        await Assert.ThrowsAnyAsync<Exception>(async () =>
            await channel.BasicPublishAsync("", "rotate-secret", mandatory: true, properties, Encoding.UTF8.GetBytes(body)));

        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, w.World.RotateCalls);
        Assert.Empty(w.Observer.Events);
    }

    [Fact]
    public async Task PolicyOn_TheScheduledSweepSendsAsTheWorkersOwnUser_AndItsRotationsPass()
    {
        await using var w = await RabbitWorld.StartAsync();
        await using var rotator = await w.VirtualHost.Broker.CreateUserAsync(w.VirtualHost, "rotator");
        await using var revoker = await w.VirtualHost.Broker.CreateUserAsync(w.VirtualHost, "revoker");
        var worker = await w.StartWorkerAsync(s =>
        {
            Policy(s, rotator, revoker);
            s["Worker:RotationSweep:MaxSecretAge"] = "00:00:01";
            s["Worker:RotationSweep:WarningWindow"] = "00:00:00";
            s["Worker:RotationSweep:MaxRotationsPerSweep"] = "1";
        });
        var sweep = worker.Services.GetRequiredService<RotationSweep>();

        var report = await sweep.RunAsync(new Jobs.JobRunRequest(JobTriggers.Manual, DryRun: false, CollectItems: true), CancellationToken.None);
        var sent = Assert.Single(report.Decisions, d => d.Action == SweepActions.Rotate);
        var rotated = await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == sent.CommandId);

        Assert.Equal(w.VirtualHost.Broker.Username, rotated.SentBy);
        Assert.Equal(CommandTriggers.Schedule, rotated.Trigger);
    }

    [Fact]
    public async Task PolicyOn_AUserWhoMayRotateButNotQuarantine_IsRefused_AndTheResponderQuarantines()
    {
        await using var w = await RabbitWorld.StartAsync();
        await using var rotator = await w.VirtualHost.Broker.CreateUserAsync(w.VirtualHost, "rotator");
        await using var responder = await w.VirtualHost.Broker.CreateUserAsync(w.VirtualHost, "responder");
        await w.StartWorkerAsync(s =>
        {
            Policy(s, rotator, responder);
            s["Worker:Authorization:Grants:2:User"] = responder.Name;
            s["Worker:Authorization:Grants:2:Commands:0"] = "QuarantineClient";
            s["Worker:Authorization:Grants:2:Targets:0"] = $"{WachtWorld.Deployment}/{WachtWorld.AppSlug}";
        });
        var rotatorBus = await w.StartSenderAsync(rotator, rotator.Name);
        var responderBus = await w.StartSenderAsync(responder, responder.Name);
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);

        var refused = Quarantine(client.Id);
        await Send(rotatorBus, "quarantine-client", refused);
        var forbidden = await w.Observer.WaitForAsync<ClientQuarantineFailed>(e => e.CommandId == refused.CommandId);

        Assert.Equal((ErrorCodes.Forbidden, rotator.Name, false), (forbidden.ErrorCode, forbidden.SentBy, forbidden.Retryable));
        Assert.Contains("may not send QuarantineClient", forbidden.Message, StringComparison.Ordinal);
        Assert.Equal(0, w.World.RotateCalls);
        Assert.Equal(0, w.World.Emulator.Calls.Count(WachtWorld.RevokeOperation, WachtWorld.Deployment));

        var allowed = Quarantine(client.Id);
        await Send(responderBus, "quarantine-client", allowed);
        var quarantined = await w.Observer.WaitForAsync<ClientQuarantined>(e => e.CommandId == allowed.CommandId);

        Assert.Equal(responder.Name, quarantined.SentBy);
        Assert.True(quarantined.Secret.Rotated);
        Assert.True(quarantined.Deactivated);
        Assert.NotEmpty(quarantined.RevokedGrantIds);
        Assert.DoesNotContain(await w.World.GrantsAsync(WachtWorld.ServiceClient), g => g.Status == GrantStatuses.Active);
        Assert.Equal(1, w.World.RotateCalls);
    }

    private static QuarantineClient Quarantine(string oauthClientId) => new()
    {
        CommandId = NewId.NextGuid(),
        DeploymentId = WachtWorld.Deployment,
        AppSlug = WachtWorld.AppSlug,
        OAuthClientId = oauthClientId,
        Deactivate = true,
        Reason = "credential leak",
    };

    private static RotateSecret Rotate(string oauthClientId, string reason) =>
        new() { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = oauthClientId, Reason = reason };

    private static async Task Send<T>(IBus bus, string queue, T command)
        where T : class =>
        await (await bus.GetSendEndpoint(new Uri($"queue:{queue}"))).Send(command);

    private static void Policy(Dictionary<string, string?> settings, TestBrokerUser rotator, TestBrokerUser revoker)
    {
        settings["Worker:Authorization:Enabled"] = "true";
        settings["Worker:Authorization:Grants:0:User"] = rotator.Name;
        settings["Worker:Authorization:Grants:0:Commands:0"] = "RotateSecret";
        settings["Worker:Authorization:Grants:0:Targets:0"] = $"{WachtWorld.Deployment}/{WachtWorld.AppSlug}";
        settings["Worker:Authorization:Grants:1:User"] = revoker.Name;
        settings["Worker:Authorization:Grants:1:Commands:0"] = "RevokeGrant";
        settings["Worker:Authorization:Grants:1:Targets:0"] = "*";
    }
}
