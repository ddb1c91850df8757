using Wacht.Emulator;

namespace Wacht.Client.IntegrationTests;

/// <summary>
/// A full run over every endpoint, including failures and retries, with every log entry of every category captured
/// at Trace level: no API key, Authorization header or client secret may appear anywhere in it.
/// </summary>
public sealed class LogRedactionTests
{
    [Fact]
    public async Task FullRun_NeverLogsApiKeysAuthorizationHeadersOrSecrets()
    {
        await using var world = await World.StartAsync();
        var secrets = new List<string>(world.SeededSecrets.Values);
        var exceptions = new List<string>();

        foreach (var deployment in new[] { World.BackendDeployment, World.PlatformDeployment })
        {
            var client = world.Client(deployment);
            var service = await world.FindClientAsync(deployment, World.ServiceClientName);

            await client.ListOAuthAppsAsync();
            var created = await client.CreateOAuthClientAsync(World.AppSlug, new CreateOAuthClientRequest
            {
                ClientAuthMethod = ClientAuthMethods.ClientSecretBasic,
                GrantTypes = ["client_credentials"],
                ClientName = "log-check",
            });
            secrets.Add(created.ClientSecret!.Reveal());
            secrets.Add((await client.RotateOAuthClientSecretAsync(World.AppSlug, service.Id)).ClientSecret.Reveal());
            secrets.Add((await client.RotateOAuthClientSecretAsync(World.AppSlug, created.Id)).ClientSecret.Reveal());

            // A rotation whose response is lost, a retried GET and a permanent error, so that failure paths log too.
            world.Emulator.Faults.Add(new FaultRule { Operation = "rotateOAuthClientSecret", LoseResponse = true, Remaining = 1 });
            exceptions.Add((await Assert.ThrowsAnyAsync<WachtException>(() => client.RotateOAuthClientSecretAsync(World.AppSlug, service.Id))).ToString());
            world.Emulator.Faults.Add(new FaultRule { Operation = "listOAuthGrants", ErrorStatus = 503, Remaining = 1 });
            await client.ListOAuthGrantsAsync(World.AppSlug, service.Id);
            exceptions.Add((await Assert.ThrowsAsync<WachtNotFoundException>(() => client.RotateOAuthClientSecretAsync("no-such-app", service.Id))).ToString());
            await client.ListOAuthAppSigningKeysAsync(World.AppSlug);
        }

        var logText = world.Logs.AllText;
        Assert.NotEmpty(world.Logs.Entries); // the run did log: an empty capture would prove nothing
        Assert.Contains("rotateOAuthClientSecret", logText, StringComparison.OrdinalIgnoreCase);
        foreach (var text in new[] { logText, string.Join('\n', exceptions) })
        {
            Assert.DoesNotContain("Bearer", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch("oc_secret_[A-Za-z0-9_-]{20,}", text); // no secret at all, known to this test or not
            foreach (var key in world.ApiKeys.Values)
            {
                Assert.DoesNotContain(key, text, StringComparison.Ordinal);
            }

            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
                Assert.DoesNotContain(secret["oc_secret_".Length..], text, StringComparison.Ordinal);
            }
        }
    }
}
