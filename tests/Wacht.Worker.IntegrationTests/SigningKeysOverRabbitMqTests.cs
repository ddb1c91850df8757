using MassTransit;
using Wacht.Worker.Contracts;
using Wacht.Worker.IntegrationTests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests;

/// <summary>RotateSigningKey and CompromiseSigningKey on the real broker.</summary>
public sealed class SigningKeysOverRabbitMqTests
{
    [Fact]
    public async Task RotateThenCompromise_SentToTheirQueues_ChangeTheKeys_AndADuplicateIsAnsweredFromTheLedger()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var before = (await w.World.Wacht.ListOAuthAppSigningKeysAsync(WachtWorld.AppSlug)).Single(k => k.Status == "active");

        var rotate = new RotateSigningKey { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, Reason = "key hygiene" };
        await w.SendAsync("rotate-signing-key", rotate);
        var rotated = await w.Observer.WaitForAsync<SigningKeyRotated>(e => e.CommandId == rotate.CommandId);

        Assert.Equal(before.Kid, rotated.PreviousKid);
        Assert.NotEqual(before.Kid, rotated.Kid);

        var compromise = new CompromiseSigningKey { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, Kid = rotated.Kid, Reason = "private key leaked" };
        await w.SendAsync("compromise-signing-key", compromise);
        var compromised = await w.Observer.WaitForAsync<SigningKeyCompromised>(e => e.CommandId == compromise.CommandId);

        var keys = await w.World.Wacht.ListOAuthAppSigningKeysAsync(WachtWorld.AppSlug);
        Assert.DoesNotContain(keys, k => k.Kid == rotated.Kid);
        Assert.Equal(compromised.ActiveKid, keys.Single(k => k.Status == "active").Kid);
        Assert.False(compromised.AlreadyCompromised);

        // The same command again: answered from the ledger, the keys untouched.
        await w.SendAsync("rotate-signing-key", rotate);
        var replayed = await w.Observer.WaitForAsync<SigningKeyRotated>(e => e.CommandId == rotate.CommandId, count: 2);
        Assert.Equal(rotated, replayed);
        Assert.Equal(1, w.World.Emulator.Calls.Count("rotateOAuthAppSigningKey", WachtWorld.Deployment));
        Assert.Equal(compromised.ActiveKid, (await w.World.Wacht.ListOAuthAppSigningKeysAsync(WachtWorld.AppSlug)).Single(k => k.Status == "active").Kid);
    }
}
