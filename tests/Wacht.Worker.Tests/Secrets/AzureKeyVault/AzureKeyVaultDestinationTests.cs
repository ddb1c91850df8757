using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Wacht.Client;
using Wacht.Worker.Secrets;
using Wacht.Worker.Secrets.AzureKeyVault;
using Wacht.Worker.TestSupport;
using Wacht.Worker.TestSupport.Fakes.Azure;

namespace Wacht.Worker.Tests.Secrets.AzureKeyVault;

/// <summary>The Key Vault destination beyond the contract: value and tags, challenge auth, settling after racing writers, pre-flight limits, retries, settings.</summary>
public sealed class AzureKeyVaultDestinationTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private static readonly SecretTarget Target = new("7283910238471", "billing-api", "7283910238471000001", "oc_Y2xpZW50LTQy");

    private readonly KeyVaultWorld _world = new();
    private readonly CapturedLogs _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public AzureKeyVaultDestinationTests()
    {
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
    }

    public Task InitializeAsync() => _world.StartAsync();

    public async Task DisposeAsync()
    {
        await _world.DisposeAsync();
        _loggerFactory.Dispose();
    }

    [Fact]
    public async Task Deliver_WritesJsonValueWithStampTags_AfterTheVaultsChallenge_AndTheSecretGoesOnlyIntoTheValue()
    {
        var destination = _world.Destination(_loggerFactory);
        var key = destination.KeyFor(Target, null);
        var delivery = Delivery(T0);

        await destination.PreflightAsync(key, Target, CancellationToken.None);
        await destination.DeliverAsync(key, delivery, CancellationToken.None);

        Assert.Equal("wacht-billing-api-7283910238471000001", key);
        var version = Assert.Single(_world.Vault.Versions(key));
        Assert.Equal(AzureKeyVaultDestination.ContentType, version.ContentType);
        var value = JsonNode.Parse(version.Value)!.AsObject();
        Assert.Equal(Target.ClientId, value["client_id"]!.GetValue<string>());
        Assert.Equal(delivery.Secret.Reveal(), value["client_secret"]!.GetValue<string>());
        Assert.Equal(delivery.Secret.Fingerprint, version.Tags["wacht-fingerprint"]);
        Assert.Equal("2026-03-04T05:06:07.0000000Z", version.Tags["wacht-rotated-at"]);
        Assert.Equal(delivery.CommandId.ToString(), version.Tags["wacht-command-id"]);
        Assert.Equal(Target.ClientId, version.Tags["wacht-client-id"]);
        Assert.DoesNotContain(version.Tags.Values, t => t.Contains(delivery.Secret.Reveal(), StringComparison.Ordinal));
        Assert.Contains(_world.TokenRequests, r => r.Scopes.SequenceEqual(["https://vault.azure.net/.default"]) && r.TenantId == FakeKeyVault.TenantId);
        Assert.All(_world.Vault.Answers.Where(a => a.StartsWith("{\"error\"", StringComparison.Ordinal)), a => Assert.DoesNotContain(delivery.Secret.Reveal(), a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OlderWriterWritingAfterTheNewer_TheNewerIsWrittenAgain_ReadingEveryPageOfVersions()
    {
        var destination = _world.Destination(_loggerFactory);
        var other = _world.Destination(_loggerFactory);
        var key = destination.KeyFor(Target, null);
        for (var i = 0; i < 3; i++)
        {
            await destination.DeliverAsync(key, Delivery(T0.AddMinutes(i)), CancellationToken.None);
        }

        // A worker with an older secret read before a newer one was written, and writes after it.
        var newer = Delivery(T0.AddMinutes(20));
        var older = Delivery(T0.AddMinutes(10));
        _world.Vault.BeforeNextWrite(key, () => other.DeliverAsync(key, newer, CancellationToken.None));

        var result = await destination.DeliverAsync(key, older, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.NewerPresent, result.Outcome);
        Assert.Equal(newer.Stamp, result.Present);
        Assert.Equal(newer.Secret, (await destination.ReadAsync(key, CancellationToken.None))!.Secret);
        var versions = _world.Vault.Versions(key);
        Assert.Equal(6, versions.Count); // 3 earlier, the newer, the older, the newer again
        Assert.Equal(newer.CommandId.ToString(), versions[^1].Tags["wacht-command-id"]);
        Assert.Contains(_world.Vault.Requests, r => r.Contains("$skiptoken=4", StringComparison.Ordinal));
        Assert.Contains("writing the newest again", _logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_ProvesReadNotWrite_ForbiddenReadFails_DeletedButRecoverableNameFails()
    {
        var destination = _world.Destination(_loggerFactory);
        var key = destination.KeyFor(Target, null);

        _world.Vault.Grant(KeyVaultWorld.Token, "get", "list", "getDeleted");
        await destination.PreflightAsync(key, Target, CancellationToken.None);
        var write = await Assert.ThrowsAsync<SecretDestinationException>(() => destination.DeliverAsync(key, Delivery(T0), CancellationToken.None));

        _world.Vault.Grant(KeyVaultWorld.Token, "list");
        var read = await Assert.ThrowsAsync<SecretDestinationException>(() => destination.PreflightAsync(key, Target, CancellationToken.None));

        _world.GrantWorker();
        _world.Vault.SoftDelete(key);
        var deleted = await Assert.ThrowsAsync<SecretDestinationException>(() => destination.PreflightAsync(key, Target, CancellationToken.None));
        var conflict = await Assert.ThrowsAsync<SecretDestinationException>(() => destination.DeliverAsync(key, Delivery(T0), CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Forbidden, write.Reason);
        Assert.Contains("Microsoft.KeyVault/vaults/secrets/setSecret/action", write.Message, StringComparison.Ordinal);
        Assert.Equal(SecretDestinationFailure.Forbidden, read.Reason);
        Assert.Equal(SecretDestinationFailure.Invalid, deleted.Reason);
        Assert.Contains("deleted but recoverable", deleted.Message, StringComparison.Ordinal);
        Assert.Equal(SecretDestinationFailure.Invalid, conflict.Reason);
        Assert.Contains("HTTP 409", conflict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownToken_IsForbidden()
    {
        var destination = _world.Destination(_loggerFactory, token: "a-token-the-vault-does-not-know");

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => destination.PreflightAsync(destination.KeyFor(Target, null), Target, CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Forbidden, ex.Reason);
        Assert.Contains("HTTP 401", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransientFailure_ReadsAreRetried_AWriteIsNot()
    {
        var destination = _world.Destination(_loggerFactory);
        var key = destination.KeyFor(Target, null);
        var first = Delivery(T0);
        await destination.DeliverAsync(key, first, CancellationToken.None);

        _world.Vault.FailNext("get", 1);
        Assert.Equal(first.Secret, (await destination.ReadAsync(key, CancellationToken.None))!.Secret);

        _world.Vault.FailNext("set", 1);
        var puts = _world.Vault.Requests.Count(r => r.StartsWith("PUT ", StringComparison.Ordinal));
        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => destination.DeliverAsync(key, Delivery(T0.AddMinutes(1)), CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Unreachable, ex.Reason);
        Assert.Equal(puts + 1, _world.Vault.Requests.Count(r => r.StartsWith("PUT ", StringComparison.Ordinal)));
        Assert.Equal(first.Secret, (await destination.ReadAsync(key, CancellationToken.None))!.Secret);
    }

    [Theory]
    [InlineData("VaultUri", "http://billing-kv.vault.azure.net/", "P:VaultUri: must be the vault's https URI")]
    [InlineData("VaultUri", "https://billing-kv.vault.azure.net/secrets", "P:VaultUri: must be scheme and host only")]
    [InlineData("ManagedIdentityClientId", "my-identity", "P:ManagedIdentityClientId: must be the identity's client id")]
    [InlineData("KeyTemplate", "wacht-{appSlug}", "P:KeyTemplate:")]
    [InlineData("RequestTimeout", "-00:00:01", "P:RequestTimeout:")]
    public void Validate_NamesTheKeyToFix(string setting, string value, string expected)
    {
        var settings = _world.Settings();
        settings[setting] = value;

        var failures = new AzureKeyVaultDestinationKind().Validate("P", KeyVaultWorld.AsSection(settings)).ToList();

        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void KeyFor_ClientIdCannotBePartOfAName_OAuthClientIdCan()
    {
        var destination = _world.Destination(_loggerFactory);

        Assert.Equal("billing-7283910238471000001", destination.KeyFor(Target, "billing-{oauthClientId}"));
        var ex = Assert.Throws<SecretKeyException>(() => destination.KeyFor(Target, "billing-{clientId}"));
        Assert.Contains("{oauthClientId}", ex.Message, StringComparison.Ordinal);
    }

    private static SecretDelivery Delivery(DateTimeOffset rotatedAt) =>
        new(Guid.NewGuid(), Target.DeploymentId, Target.AppSlug, Target.OAuthClientId, Target.ClientId,
            new ClientSecret("oc_secret_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16))), rotatedAt);
}
