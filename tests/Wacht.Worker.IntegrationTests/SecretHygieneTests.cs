using MassTransit;
using Wacht.Client;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.IntegrationTests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests;

public sealed class SecretHygieneTests
{
    [Fact]
    public async Task NoIssuedSecretOrApiKey_AppearsInLogsPublishedMessagesOrTheLedger()
    {
        await using var w = await RabbitWorld.StartAsync();
        await w.StartWorkerAsync();
        var service = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var pipeline = await w.World.ClientAsync(WachtWorld.PipelineClient);
        var secrets = new List<string>();

        // A plain rotation, one after a lost response (the first issued secret is never seen by anyone), a failing one,
        // a revocation and a scope sync: every kind of event crosses the wire.
        w.World.Emulator.Faults.Add(new FaultRule { Operation = "rotateOAuthClientSecret", LoseResponse = true, Remaining = 1 });
        foreach (var client in new[] { service, pipeline, service })
        {
            var command = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };
            await w.SendAsync("rotate-secret", command);
            await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId);
            secrets.Add(w.World.SecretAtDestination(client.ClientId)!);
        }

        var grant = (await w.World.GrantsAsync(WachtWorld.ServiceClient)).First(g => g.Status == GrantStatuses.Active);
        var revoke = new RevokeGrant { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = service.Id, GrantId = grant.Id };
        await w.SendAsync("revoke-grant", revoke);
        var unsupported = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = (await w.World.ClientAsync(WachtWorld.PublicClient)).Id };
        await w.SendAsync("rotate-secret", unsupported);
        var sync = new SyncScopes { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, Scopes = [new DesiredScope { Scope = "reports:export" }] };
        await w.SendAsync("sync-scopes", sync);
        await w.Observer.WaitForTerminalAsync(revoke.CommandId);
        await w.Observer.WaitForTerminalAsync(unsupported.CommandId);
        await w.Observer.WaitForTerminalAsync(sync.CommandId);

        Assert.Equal(3, secrets.Distinct().Count());
        Assert.Equal(4, w.World.RotateCalls);
        var logs = w.Logs.AllText;
        var bodies = w.Observer.AllBodies;
        Assert.Equal(6, w.Observer.Events.Count);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, bodies, StringComparison.Ordinal);
        }

        // The secret issued for the lost response was never seen; no "oc_secret_" value may appear anywhere at all.
        Assert.DoesNotContain("oc_secret_", logs.Replace("oc_secret_…(redacted)", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("oc_secret_", bodies, StringComparison.Ordinal);
        Assert.DoesNotContain(w.World.ApiKey, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(w.World.EncryptionKey, logs, StringComparison.Ordinal);

        // The ledger (database, WAL and journal files) holds secrets only encrypted, and only until delivered.
        foreach (var (path, content) in w.World.DataFiles().Where(f => !f.Path.StartsWith(w.World.SecretsDirectory, StringComparison.Ordinal)))
        {
            foreach (var secret in secrets)
            {
                Assert.True(content.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(secret)) < 0, $"{path} holds a secret in clear");
            }
        }
    }
}
