using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Wacht.Client;
using Wacht.Worker.Secrets;
using Wacht.Worker.Secrets.Vault;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Secrets.Vault;

/// <summary>The Vault destination beyond the contract: data shape, auth methods and token lifetimes, namespace, check-and-set details, retries, pre-flight wording, settings.</summary>
public sealed class VaultSecretDestinationTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private static readonly SecretTarget Target = new("7283910238471", "billing-api", "7283910238471000001", "oc_Y2xpZW50LTQy");

    private readonly VaultWorld _world = new();
    private readonly CapturedLogs _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public VaultSecretDestinationTests()
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
    public async Task Deliver_WritesClientIdSecretAndStampAsData_KeepsForeignKeys_AndTheSecretGoesOnlyToTheDataEndpoint()
    {
        var destination = _world.Destination(_loggerFactory);
        var key = destination.KeyFor(Target, null);
        _world.Vault.Write("secret/wacht/7283910238471/billing-api/7283910238471000001", new JsonObject { ["db_password"] = "kept" });
        var delivery = Delivery(T0);

        await destination.PreflightAsync(key, Target, CancellationToken.None);
        await destination.DeliverAsync(key, delivery, CancellationToken.None);

        Assert.Equal("secret/wacht/7283910238471/billing-api/7283910238471000001", key);
        var (version, data) = _world.Vault.Latest(key)!.Value;
        Assert.Equal(2, version);
        Assert.Equal("kept", data!["db_password"]!.GetValue<string>());
        Assert.Equal(Target.ClientId, data["client_id"]!.GetValue<string>());
        Assert.Equal(delivery.Secret.Reveal(), data["client_secret"]!.GetValue<string>());
        Assert.Equal(delivery.Secret.Fingerprint, data["fingerprint"]!.GetValue<string>());
        Assert.Equal("2026-03-04T05:06:07.0000000Z", data["rotated_at"]!.GetValue<string>());
        Assert.Equal(delivery.CommandId.ToString(), data["command_id"]!.GetValue<string>());
        var withSecret = _world.Vault.Bodies.Where(b => b.Contains(delivery.Secret.Reveal(), StringComparison.Ordinal)).ToList();
        Assert.Single(withSecret);
        Assert.Contains("\"cas\":1", withSecret[0], StringComparison.Ordinal);
        Assert.All(_world.Vault.Answers.Where(a => a.Contains("errors", StringComparison.Ordinal)), a => Assert.DoesNotContain(delivery.Secret.Reveal(), a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deliver_OverASoftDeletedLatestVersion_UsesThatVersionForCheckAndSet()
    {
        var destination = _world.Destination(_loggerFactory);
        var key = destination.KeyFor(Target, null);
        _world.Vault.Write(key, new JsonObject { ["client_secret"] = "old" });
        _world.Vault.Write(key, new JsonObject { ["client_secret"] = "older" });
        _world.Vault.DeleteLatest(key);

        var result = await destination.DeliverAsync(key, Delivery(T0), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Written, result.Outcome);
        Assert.Equal(3, _world.Vault.Latest(key)!.Value.Version);
    }

    [Fact]
    public async Task AppRole_LogsInOnce_AndAgainWhenVaultRefusesTheToken()
    {
        var settings = _world.Settings();
        settings.Remove("Auth:TokenFile");
        settings["Auth:Method"] = "approle";
        settings["Auth:RoleId"] = VaultWorld.RoleId;
        settings["Auth:SecretIdFile"] = _world.SecretIdFile;
        var destination = _world.Destination(_loggerFactory, settings);
        var key = destination.KeyFor(Target, null);

        await destination.DeliverAsync(key, Delivery(T0), CancellationToken.None);
        await destination.ReadAsync(key, CancellationToken.None);
        Assert.Equal(1, _world.Vault.Logins);

        _world.Vault.RevokeLoginTokens();
        var result = await destination.DeliverAsync(key, Delivery(T0.AddMinutes(1)), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Written, result.Outcome);
        Assert.Equal(2, _world.Vault.Logins);
        Assert.Contains("POST /v1/auth/approle/login", _world.Vault.Requests);
        Assert.DoesNotContain(VaultWorld.SecretId, _logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppRole_WrongSecretId_IsForbidden_NamingTheLogin()
    {
        var settings = _world.Settings();
        settings.Remove("Auth:TokenFile");
        settings["Auth:Method"] = "approle";
        settings["Auth:RoleId"] = VaultWorld.RoleId;
        settings["Auth:SecretIdFile"] = _world.SecretIdFile;
        await File.WriteAllTextAsync(_world.SecretIdFile, "wrong-secret-id");
        var destination = _world.Destination(_loggerFactory, settings);

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => destination.PreflightAsync(destination.KeyFor(Target, null), Target, CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Forbidden, ex.Reason);
        Assert.Contains("log in (auth/approle)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("invalid role or secret ID", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-id", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubernetes_LogsInWithTheServiceAccountToken_AndAgainBeforeTheLeaseEnds()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _world.Vault.Clock = clock;
        var settings = _world.Settings();
        settings.Remove("Auth:TokenFile");
        settings["Auth:Method"] = "kubernetes";
        settings["Auth:Role"] = VaultWorld.KubernetesRole;
        settings["Auth:JwtFile"] = _world.JwtFile;
        var destination = _world.Destination(_loggerFactory, settings, clock);
        var key = destination.KeyFor(Target, null);

        await destination.DeliverAsync(key, Delivery(T0), CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(39));
        await destination.ReadAsync(key, CancellationToken.None);
        Assert.Equal(1, _world.Vault.Logins);

        clock.Advance(TimeSpan.FromMinutes(2)); // past two thirds of the one-hour lease, before it ends
        await destination.ReadAsync(key, CancellationToken.None);

        Assert.Equal(2, _world.Vault.Logins);
        Assert.Contains("POST /v1/auth/kubernetes/login", _world.Vault.Requests);
        Assert.DoesNotContain(_world.Vault.Requests, r => r.Contains("approle", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenFile_IsReadAgainWhenVaultRefusesTheToken()
    {
        var destination = _world.Destination(_loggerFactory);
        var key = destination.KeyFor(Target, null);
        await destination.DeliverAsync(key, Delivery(T0), CancellationToken.None);

        // Vault Agent wrote a new token; the old one is revoked.
        _world.Vault.AddToken("hvs.renewed-token", VaultWorld.Policy);
        _world.Vault.RevokeToken(VaultWorld.Token);
        await File.WriteAllTextAsync(_world.TokenFile, "hvs.renewed-token");

        var result = await destination.DeliverAsync(key, Delivery(T0.AddMinutes(1)), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Written, result.Outcome);
    }

    [Fact]
    public async Task Namespace_IsSentAsXVaultNamespace()
    {
        _world.Vault.Namespace = "team-billing";
        var without = _world.Destination(_loggerFactory);
        var settings = _world.Settings();
        settings["Namespace"] = "team-billing";
        var with = _world.Destination(_loggerFactory, settings);
        var key = with.KeyFor(Target, null);

        var refused = await Assert.ThrowsAsync<SecretDestinationException>(() => without.PreflightAsync(key, Target, CancellationToken.None));
        await with.PreflightAsync(key, Target, CancellationToken.None);
        var result = await with.DeliverAsync(key, Delivery(T0), CancellationToken.None);

        Assert.Equal(SecretDestinationFailure.Forbidden, refused.Reason);
        Assert.Equal(DeliveryOutcome.Written, result.Outcome);
    }

    [Fact]
    public async Task Preflight_NamesTheMissingCapabilities()
    {
        _world.Vault.SetPolicy(VaultWorld.Policy, ("secret/data/wacht/*", "read,update"));
        var destination = _world.Destination(_loggerFactory);
        var key = destination.KeyFor(Target, null);

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => destination.PreflightAsync(key, Target, CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Forbidden, ex.Reason);
        Assert.Contains("lacks create on secret/data/wacht/7283910238471/billing-api/7283910238471000001", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransientFailure_ReadsAreRetried_AWriteIsNot()
    {
        var destination = _world.Destination(_loggerFactory);
        var key = destination.KeyFor(Target, null);
        var first = Delivery(T0);
        await destination.DeliverAsync(key, first, CancellationToken.None);

        _world.Vault.FailNext("GET", 1);
        Assert.Equal(first.Secret, (await destination.ReadAsync(key, CancellationToken.None))!.Secret);

        _world.Vault.FailNext("POST", 1);
        var writesBefore = _world.Vault.Requests.Count(r => r.StartsWith("POST /v1/secret/data/", StringComparison.Ordinal));
        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => destination.DeliverAsync(key, Delivery(T0.AddMinutes(1)), CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Unreachable, ex.Reason);
        Assert.Contains("Vault is sealed", ex.Message, StringComparison.Ordinal);
        Assert.Equal(writesBefore + 1, _world.Vault.Requests.Count(r => r.StartsWith("POST /v1/secret/data/", StringComparison.Ordinal)));
        Assert.Equal(first.Secret, (await destination.ReadAsync(key, CancellationToken.None))!.Secret);
    }

    [Fact]
    public async Task CheckAndSet_LosingEveryAttempt_IsAConflict_AndNothingIsWritten()
    {
        var settings = _world.Settings();
        settings["MaxConflictRetries"] = "2";
        var destination = _world.Destination(_loggerFactory, settings);
        var key = destination.KeyFor(Target, null);
        var mine = Delivery(T0.AddMinutes(10));
        var writes = 0;
        void Interfere() => _world.Vault.BeforeNextWrite(key, () =>
        {
            // Another writer stores an older (unstamped) value each time, so this one keeps losing the check-and-set.
            _world.Vault.Write(key, new JsonObject { ["client_secret"] = "someone-else-" + Interlocked.Increment(ref writes) });
            Interfere();
            return Task.CompletedTask;
        });
        Interfere();

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => destination.DeliverAsync(key, mine, CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Conflict, ex.Reason);
        Assert.Equal(2, writes);
        Assert.StartsWith("someone-else-", _world.Vault.Latest(key)!.Value.Data!["client_secret"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Address", null, "Worker:Secrets:Destinations:vault:Address: must be Vault's http(s) address")]
    [InlineData("Address", "http://vault.example.com:8200", "Worker:Secrets:Destinations:vault:Address: must use https")]
    [InlineData("Address", "https://vault.example.com:8200/v1", "Worker:Secrets:Destinations:vault:Address: must be scheme, host and port only")]
    [InlineData("Mount", "../sys", "Worker:Secrets:Destinations:vault:Mount:")]
    [InlineData("KeyTemplate", "wacht/{appSlug}", "Worker:Secrets:Destinations:vault:KeyTemplate:")]
    [InlineData("RequestTimeout", "00:00:00", "Worker:Secrets:Destinations:vault:RequestTimeout:")]
    [InlineData("Auth:Method", "ldap", "Worker:Secrets:Destinations:vault:Auth:Method: must be token, approle or kubernetes")]
    [InlineData("Auth:TokenFile", "/nonexistent/token", "Worker:Secrets:Destinations:vault:Auth:TokenFile: the file '/nonexistent/token' does not exist")]
    public void Validate_NamesTheKeyToFix(string setting, string? value, string expected)
    {
        var settings = _world.Settings();
        settings[setting] = value;

        var failures = new VaultDestinationKind().Validate("Worker:Secrets:Destinations:vault", VaultWorld.AsSection(settings)).ToList();

        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_AppRoleAndKubernetesNeedTheirSettings()
    {
        var approle = new Dictionary<string, string?> { ["Address"] = "https://vault.example.com", ["Auth:Method"] = "approle" };
        var kubernetes = new Dictionary<string, string?> { ["Address"] = "https://vault.example.com", ["Auth:Method"] = "kubernetes", ["Auth:JwtFile"] = "/nonexistent/jwt" };
        var kind = new VaultDestinationKind();

        var approleFailures = kind.Validate("P", VaultWorld.AsSection(approle)).ToList();
        var kubernetesFailures = kind.Validate("P", VaultWorld.AsSection(kubernetes)).ToList();

        Assert.Contains("P:Auth:RoleId: must be set for the approle method", approleFailures);
        Assert.Contains("P:Auth: set exactly one of SecretIdFile and SecretIdEnvironmentVariable for the approle method", approleFailures);
        Assert.Contains("P:Auth:Role: must be set for the kubernetes method", kubernetesFailures);
        Assert.Contains(kubernetesFailures, f => f.StartsWith("P:Auth:JwtFile:", StringComparison.Ordinal));
    }

    [Fact]
    public void KeyFor_RouteTemplateAndMount()
    {
        var settings = _world.Settings();
        settings["Mount"] = "/kv/apps/";
        var destination = _world.Destination(_loggerFactory, settings);

        Assert.Equal("kv/apps/wacht/7283910238471/billing-api/7283910238471000001", destination.KeyFor(Target, null));
        Assert.Equal("kv/apps/billing/oc_Y2xpZW50LTQy", destination.KeyFor(Target, "billing/{clientId}"));
        Assert.Throws<SecretKeyException>(() => destination.KeyFor(Target, "../{clientId}"));
    }

    private static SecretDelivery Delivery(DateTimeOffset rotatedAt) =>
        new(Guid.NewGuid(), Target.DeploymentId, Target.AppSlug, Target.OAuthClientId, Target.ClientId,
            new ClientSecret("oc_secret_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16))), rotatedAt);
}
