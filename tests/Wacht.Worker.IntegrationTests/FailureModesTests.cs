using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.IntegrationTests.Support;
using Wacht.Worker.Secrets;
using Wacht.Worker.Secrets.Files;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests;

/// <summary>Crashes, bad input and an unwell Wacht, on a real broker.</summary>
public sealed class FailureModesTests
{
    [Fact]
    public async Task CrashBetweenRotationAndDelivery_ANewHostDeliversTheRotatedSecret_WithoutRotatingAgain()
    {
        await using var w = await RabbitWorld.StartAsync();
        var hanging = new HangingDestination();
        var first = await w.StartWorkerAsync(destination: hanging);
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var command = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };

        await w.SendAsync("rotate-secret", command);
        await hanging.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The old secret is gone at Wacht, the new one is only in the ledger: the host dies here.
        await first.StopAsync(TimeSpan.FromSeconds(10));
        first.Dispose();
        Assert.Equal(1, w.World.RotateCalls);
        Assert.Null(w.World.SecretAtDestination(client.ClientId));

        await w.StartWorkerAsync();
        var rotated = await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId);

        Assert.Equal(1, w.World.RotateCalls);
        Assert.Equal(1, rotated.RotateCalls);
        Assert.True(w.World.WachtAccepts(client.ClientId, w.World.SecretAtDestination(client.ClientId)));
        await Task.Delay(500);
        Assert.Equal(0u, await w.VirtualHost.MessageCountAsync("rotate-secret_error"));
    }

    [Fact]
    public async Task MalformedMessage_GoesToTheErrorQueue_AndTheNextCommandIsExecuted()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);

        await w.VirtualHost.PublishRawAsync("rotate-secret", "{ this is not json");
        var command = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };
        await w.SendAsync("rotate-secret", command);

        await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId);
        Assert.Equal(1u, await WaitForCountAsync(w, "rotate-secret_error", 1));
        Assert.Equal("{ this is not json", await w.VirtualHost.GetAsync("rotate-secret_error"));
    }

    [Fact]
    public async Task CommandWithWrongFieldTypes_GoesToTheErrorQueue_AndTheWorkerKeepsConsuming()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var envelope = """
            {"messageId":"6d3f0000-0000-0000-0000-000000000001","messageType":["urn:message:wacht-worker:rotate-secret:v1"],
             "message":{"commandId":"not-a-guid","deploymentId":7283910238471,"appSlug":["x"]}}
            """;

        await w.VirtualHost.PublishRawAsync("rotate-secret", envelope);
        var command = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };
        await w.SendAsync("rotate-secret", command);

        await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId);
        Assert.Equal(1u, await WaitForCountAsync(w, "rotate-secret_error", 1));
    }

    [Fact]
    public async Task InvalidCommand_OverRabbitMq_GetsInvalidCommand_AndIsNotRetriedOrDeadLettered()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var command = new RevokeGrant { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = "bad slug!", OAuthClientId = "1", GrantId = "x" };

        await w.SendAsync("revoke-grant", command);
        var failed = await w.Observer.WaitForAsync<GrantRevocationFailed>(e => e.CommandId == command.CommandId);

        Assert.Equal(ErrorCodes.InvalidCommand, failed.ErrorCode);
        Assert.Equal(["AppSlug", "GrantId"], failed.FieldErrors.Select(f => f.Field).Order(StringComparer.Ordinal));
        await Task.Delay(500);
        Assert.Equal(0u, await w.VirtualHost.MessageCountAsync("revoke-grant_error"));
        Assert.Equal(0, w.World.Emulator.Calls.Count("*", WachtWorld.Deployment));
    }

    [Fact]
    public async Task A503StormShorterThanTheBudget_EndsInSuccess()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        w.World.Emulator.Faults.Add(new FaultRule { Operation = "rotateOAuthClientSecret", ErrorStatus = 503, Remaining = 2 });
        var command = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };

        await w.SendAsync("rotate-secret", command);
        var rotated = await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId);

        // A 5xx on rotate is an unknown outcome (the secret may have been issued): the worker rotates again.
        Assert.Equal(3, rotated.RotateCalls);
        Assert.True(w.World.WachtAccepts(client.ClientId, w.World.SecretAtDestination(client.ClientId)));
    }

    [Fact]
    public async Task A503StormLongerThanTheBudget_PublishesWachtUnavailable_AndLeavesTheCommandInTheErrorQueue()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var grant = (await w.World.GrantsAsync(WachtWorld.ServiceClient)).First();
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        w.World.Emulator.Faults.Add(new FaultRule { Operation = "listOAuthGrants", ErrorStatus = 503 });
        var command = new RevokeGrant { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id, GrantId = grant.Id };

        await w.SendAsync("revoke-grant", command);
        var failed = await w.Observer.WaitForAsync<GrantRevocationFailed>(e => e.CommandId == command.CommandId);

        Assert.Equal(ErrorCodes.WachtUnavailable, failed.ErrorCode);
        Assert.True(failed.Retryable);
        Assert.Equal(1u, await WaitForCountAsync(w, "revoke-grant_error", 1));

        // Re-drive once Wacht is back: the same command executes (a retryable failure is not final).
        w.World.Emulator.Faults.Clear();
        var redriven = await w.VirtualHost.GetAsync("revoke-grant_error");
        Assert.NotNull(redriven);
        await w.VirtualHost.PublishRawAsync("revoke-grant", redriven);
        var revoked = await w.Observer.WaitForAsync<GrantRevoked>(e => e.CommandId == command.CommandId);
        Assert.Equal(grant.Id, revoked.GrantId);
    }

    [Fact]
    public async Task A503StormOnRotateLongerThanTheBudget_SaysTheOldSecretMayBeInvalid_AndARedriveRestoresAWorkingSecret()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        // A 503 on rotate is an unknown outcome: Wacht may have issued a secret nobody saw, so the old one may be dead.
        w.World.Emulator.Faults.Add(new FaultRule { Operation = "rotateOAuthClientSecret", ErrorStatus = 503 });
        var command = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };

        await w.SendAsync("rotate-secret", command);
        var failed = await w.Observer.WaitForAsync<SecretRotationFailed>(e => e.CommandId == command.CommandId);

        Assert.Equal(ErrorCodes.WachtUnavailable, failed.ErrorCode);
        Assert.True(failed.Retryable);
        Assert.True(failed.OldSecretMayBeInvalid);
        Assert.Equal(1u, await WaitForCountAsync(w, "rotate-secret_error", 1));

        w.World.Emulator.Faults.Clear();
        await w.VirtualHost.PublishRawAsync("rotate-secret", (await w.VirtualHost.GetAsync("rotate-secret_error"))!);
        var rotated = await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId);

        Assert.True(w.World.WachtAccepts(client.ClientId, w.World.SecretAtDestination(client.ClientId)));
        Assert.Equal(w.World.RotateCalls, rotated.RotateCalls);
    }

    [Fact]
    public async Task RateLimitedWithRetryAfter_TheCommandWaitsItOut_AndSucceeds()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var client = await w.World.ClientAsync(WachtWorld.PipelineClient);
        w.World.Emulator.Faults.Add(new FaultRule { Operation = "listOAuthClients", ErrorStatus = 429, RetryAfterSeconds = 1, Remaining = 3 });
        var command = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };

        await w.SendAsync("rotate-secret", command);
        var rotated = await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId);

        Assert.Equal(1, rotated.RotateCalls);
        Assert.True(w.World.WachtAccepts(client.ClientId, w.World.SecretAtDestination(client.ClientId)));
    }

    private static async Task<uint> WaitForCountAsync(RabbitWorld w, string queue, uint expected)
    {
        for (var i = 0; i < 200; i++)
        {
            var count = await w.VirtualHost.MessageCountAsync(queue);
            if (count >= expected)
            {
                return count;
            }

            await Task.Delay(50);
        }

        return await w.VirtualHost.MessageCountAsync(queue);
    }

    /// <summary>A destination that never finishes: the host is stopped while a delivery is in flight.</summary>
    private sealed class HangingDestination : ISecretDestination
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // Named as the host's file destination: the host that dies was writing to the destination the next host
        // (same configuration, without the hang) finds recorded with the command.
        public string Name => "file";

        public string Kind => "hanging";

        public string KeyFor(SecretTarget target, string? keyTemplate) =>
            SecretKeyTemplate.Expand(keyTemplate ?? FileSecretDestination.DefaultKeyTemplate, target, static (_, _) => { });

        public Task PreflightAsync(string key, SecretTarget target, CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task<DeliveryResult> DeliverAsync(string key, SecretDelivery delivery, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("A hanging destination never delivers.");
        }

        public Task<StoredSecret?> ReadAsync(string key, CancellationToken cancellationToken) => Task.FromResult<StoredSecret?>(null);
    }
}
