using MassTransit;
using Microsoft.Extensions.Hosting;
using Wacht.Client;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.IntegrationTests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests;

/// <summary>QuarantineClient on the real broker, including a host that dies during each step.</summary>
public sealed class QuarantineOverRabbitMqTests
{
    private const string DeactivateOperation = "deactivateOAuthClient";

    private static QuarantineClient Command(string oauthClientId) => new()
    {
        CommandId = NewId.NextGuid(),
        DeploymentId = WachtWorld.Deployment,
        AppSlug = WachtWorld.AppSlug,
        OAuthClientId = oauthClientId,
        Deactivate = true,
        RequestedBy = "incident-42",
        Reason = "secret leaked",
    };

    [Fact]
    public async Task QuarantineClient_SentToTheQueue_RotatesRevokesDeactivates_AndPublishesClientQuarantined()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var active = (await w.World.GrantsAsync(WachtWorld.ServiceClient)).Where(g => g.Status == GrantStatuses.Active).Select(g => g.Id).Order(StringComparer.Ordinal).ToList();
        var command = Command(client.Id);

        await w.SendAsync("quarantine-client", command);
        var done = await w.Observer.WaitForAsync<ClientQuarantined>(e => e.CommandId == command.CommandId);

        Assert.True(done.Secret.Rotated);
        Assert.Equal(active, done.RevokedGrantIds.Order(StringComparer.Ordinal));
        Assert.True(done.Deactivated);
        Assert.False((await w.World.ClientAsync(WachtWorld.ServiceClient)).IsActive);
        Assert.DoesNotContain(await w.World.GrantsAsync(WachtWorld.ServiceClient), g => g.Status == GrantStatuses.Active);
        Assert.DoesNotContain(w.World.SecretAtDestination(client.ClientId)!, w.Logs.AllText, StringComparison.Ordinal);
    }

    /// <summary>
    /// The host dies while Wacht holds the step's call; the call then takes effect (as a call that reached Wacht just
    /// before the process died would), and a new host gets the redelivered message. It resumes at that step: every
    /// finished step stays done, no grant is revoked twice, none is left active, the client is deactivated once.
    /// </summary>
    [Theory]
    [InlineData(WachtWorld.RotateOperation)]
    [InlineData(WachtWorld.RevokeOperation)]
    [InlineData(DeactivateOperation)]
    public async Task HostKilledDuringEachStep_ANewHostResumes_RepeatingNoFinishedStep(string operation)
    {
        await using var w = await RabbitWorld.StartAsync();
        // The held call must still be in flight when the host dies: no client timeout or retry of its own may end it
        // first (a retried deactivate or revoke would be a second call made by the first host, not by the recovery).
        var first = await w.StartWorkerAsync(s =>
        {
            s[$"Wacht:Deployments:{WachtWorld.Deployment}:RequestTimeout"] = "00:00:30";
            s[$"Wacht:Deployments:{WachtWorld.Deployment}:MaxRetries"] = "0";
        });
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var active = (await w.World.GrantsAsync(WachtWorld.ServiceClient)).Where(g => g.Status == GrantStatuses.Active).Select(g => g.Id).Order(StringComparer.Ordinal).ToList();
        w.World.Emulator.Holds.Add(new HoldRule { Operation = operation });
        var command = Command(client.Id);

        await w.SendAsync("quarantine-client", command);
        await w.World.Emulator.Holds.WaitForHeldAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await first.StopAsync(TimeSpan.FromSeconds(10));
        first.Dispose();
        var late = Assert.Single(await w.World.Emulator.Holds.ReleaseAllAsync());
        Assert.True(late.Executed);

        await w.StartWorkerAsync();
        var done = await w.Observer.WaitForAsync<ClientQuarantined>(e => e.CommandId == command.CommandId);

        // A rotate call whose answer died with the host left a secret nobody holds: that unfinished step rotates once more.
        Assert.Equal(operation == WachtWorld.RotateOperation ? 2 : 1, w.World.RotateCalls);
        Assert.Equal(active, done.RevokedGrantIds.Order(StringComparer.Ordinal));
        Assert.Equal(active.Count, w.World.Emulator.Calls.Count(WachtWorld.RevokeOperation, WachtWorld.Deployment));
        Assert.Equal(1, w.World.Emulator.Calls.Count(DeactivateOperation, WachtWorld.Deployment));
        Assert.DoesNotContain(await w.World.GrantsAsync(WachtWorld.ServiceClient), g => g.Status == GrantStatuses.Active);
        Assert.True(done.Deactivated);
        Assert.NotNull(done.Secret.VerifiedAt);
        Assert.Equal(done.Secret.SecretFingerprint, new ClientSecret(w.World.SecretAtDestination(client.ClientId)!).Fingerprint);
    }
}
