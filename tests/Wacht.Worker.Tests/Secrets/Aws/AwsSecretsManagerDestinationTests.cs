using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Wacht.Client;
using Wacht.Worker.Secrets;
using Wacht.Worker.Secrets.Aws;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Secrets.Aws;

/// <summary>The AWS Secrets Manager destination beyond the contract: value shape, stages, tokens, signatures, interrupted moves, foreign writers, pre-flight, settings.</summary>
public sealed class AwsSecretsManagerDestinationTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private static readonly SecretTarget Target = new("7283910238471", "billing-api", "7283910238471000001", "oc_Y2xpZW50LTQy");

    private readonly AwsWorld _world = new();
    private readonly CapturedLogs _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public AwsSecretsManagerDestinationTests()
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
    public async Task Deliveries_CreateThenPutAndMoveAwsCurrent_VersionIdsAreTheCommandIds_AndAwsPreviousFollows()
    {
        var destination = _world.Destination(_loggerFactory);
        var key = destination.KeyFor(Target, null);
        var first = Delivery(T0);
        var second = Delivery(T0.AddMinutes(1));

        await destination.PreflightAsync(key, Target, CancellationToken.None);
        await destination.DeliverAsync(key, first, CancellationToken.None);
        await destination.DeliverAsync(key, second, CancellationToken.None);

        Assert.Equal("wacht/7283910238471/billing-api/7283910238471000001", key);
        var stages = _world.Aws.Stages(key);
        Assert.Equal(["AWSPREVIOUS"], stages[first.CommandId.ToString()]);
        Assert.Equal(["AWSCURRENT", AwsSecretsManagerDestination.PendingStage], stages[second.CommandId.ToString()]);
        var value = JsonNode.Parse(_world.Aws.Current(key)!)!.AsObject();
        Assert.Equal(Target.ClientId, value["client_id"]!.GetValue<string>());
        Assert.Equal(second.Secret.Reveal(), value["client_secret"]!.GetValue<string>());
        Assert.Equal(second.Secret.Fingerprint, value["fingerprint"]!.GetValue<string>());
        Assert.Equal("2026-03-04T05:07:07.0000000Z", value["rotated_at"]!.GetValue<string>());
        Assert.Equal(second.CommandId.ToString(), value["command_id"]!.GetValue<string>());
        Assert.Equal(["CreateSecret", "PutSecretValue"], _world.Aws.Bodies.Where(b => b.Contains(second.Secret.Reveal(), StringComparison.Ordinal) || b.Contains(first.Secret.Reveal(), StringComparison.Ordinal))
            .Select(b => b.Contains("\"Name\"", StringComparison.Ordinal) ? "CreateSecret" : "PutSecretValue"));
        Assert.All(_world.Aws.Answers.Where(a => a.Contains("__type", StringComparison.Ordinal)), a => Assert.DoesNotContain("oc_secret_", a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WrongSecretAccessKey_TheFakeRecomputesTheSignature_AndRefuses()
    {
        await _world.WriteCredentialsAsync("not-the-secret-access-key-of-the-worker00");
        var destination = _world.Destination(_loggerFactory);

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => destination.PreflightAsync(destination.KeyFor(Target, null), Target, CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Forbidden, ex.Reason);
        Assert.Contains("InvalidSignatureException", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret-access-key", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownAccessKey_IsForbidden()
    {
        await File.WriteAllTextAsync(_world.CredentialsFile, "[wacht]\naws_access_key_id = AKIAUNKNOWN000000000\naws_secret_access_key = x\n");
        var destination = _world.Destination(_loggerFactory);

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => destination.ReadAsync(destination.KeyFor(Target, null), CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Forbidden, ex.Reason);
        Assert.Contains("UnrecognizedClientException", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterruptedBeforeTheMove_TheApplicationStillReadsTheOldSecret_AndReDeliveryFinishesWithTheSameVersion()
    {
        var destination = _world.Destination(_loggerFactory);
        var key = destination.KeyFor(Target, null);
        var first = Delivery(T0);
        var second = Delivery(T0.AddMinutes(1));
        await destination.DeliverAsync(key, first, CancellationToken.None);
        _world.Aws.FailNext("UpdateSecretVersionStage", 1);

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => destination.DeliverAsync(key, second, CancellationToken.None));
        Assert.Equal(SecretDestinationFailure.Unreachable, ex.Reason);
        Assert.Equal(first.Secret, (await destination.ReadAsync(key, CancellationToken.None))!.Secret);
        Assert.Equal([AwsSecretsManagerDestination.PendingStage], _world.Aws.Stages(key)[second.CommandId.ToString()]);
        Assert.Single(_world.Aws.Requests, r => r.StartsWith("UpdateSecretVersionStage", StringComparison.Ordinal)); // not retried

        var result = await destination.DeliverAsync(key, second, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Written, result.Outcome);
        Assert.Equal(second.Secret, (await destination.ReadAsync(key, CancellationToken.None))!.Secret);
        Assert.Equal(2, _world.Aws.Stages(key).Count); // the same token: Secrets Manager ignored the second put
    }

    [Fact]
    public async Task ForeignWriterPuttingAwsCurrentBetweenReadAndMove_IsNotOverwrittenBlindly_TheWorkerReDecides()
    {
        var destination = _world.Destination(_loggerFactory);
        var key = destination.KeyFor(Target, null);
        await destination.DeliverAsync(key, Delivery(T0), CancellationToken.None);
        var mine = Delivery(T0.AddMinutes(1));
        _world.Aws.BeforeNextWrite(key, () =>
        {
            _world.Aws.PutCurrent(key, "{\"password\":\"set by hand\"}");
            return Task.CompletedTask;
        });

        var result = await destination.DeliverAsync(key, mine, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Written, result.Outcome);
        Assert.Equal(mine.Secret, (await destination.ReadAsync(key, CancellationToken.None))!.Secret);
        Assert.Equal(2, _world.Aws.Requests.Count(r => r.StartsWith("UpdateSecretVersionStage", StringComparison.Ordinal)));
        Assert.Contains("changed between read and write", _logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_MissingSecretIsFine_ScheduledForDeletionIsInvalid_NoDescribeIsForbidden()
    {
        var destination = _world.Destination(_loggerFactory);
        var key = destination.KeyFor(Target, null);
        await destination.PreflightAsync(key, Target, CancellationToken.None);

        await destination.DeliverAsync(key, Delivery(T0), CancellationToken.None);
        _world.Aws.ScheduleDeletion(key);
        var deleted = await Assert.ThrowsAsync<SecretDestinationException>(() => destination.PreflightAsync(key, Target, CancellationToken.None));

        _world.Aws.Grant(AwsWorld.AccessKeyId, "secretsmanager:GetSecretValue");
        var forbidden = await Assert.ThrowsAsync<SecretDestinationException>(() => destination.PreflightAsync(key, Target, CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Invalid, deleted.Reason);
        Assert.Contains("scheduled for deletion", deleted.Message, StringComparison.Ordinal);
        Assert.Equal(SecretDestinationFailure.Forbidden, forbidden.Reason);
        Assert.Contains("AccessDeniedException", forbidden.Message, StringComparison.Ordinal);
        Assert.Contains("secretsmanager:DescribeSecret", forbidden.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransientFailureOfARead_IsRetried_AndTheRetryIsSignedAnew()
    {
        // With a diagnostic listener, HttpClient adds a new traceparent header on every attempt: a retry must still be
        // signed correctly (it was not when every header was signed).
        using var diagnostics = new ProcessDiagnostics();
        var destination = _world.Destination(_loggerFactory);
        var key = destination.KeyFor(Target, null);
        var delivery = Delivery(T0);
        await destination.DeliverAsync(key, delivery, CancellationToken.None);
        _world.Aws.FailNext("GetSecretValue", 1);

        Assert.Equal(delivery.Secret, (await destination.ReadAsync(key, CancellationToken.None))!.Secret);
    }

    [Theory]
    [InlineData("Region", "Frankfurt", "P:Region: not an AWS region name")]
    [InlineData("ServiceUrl", "http://secretsmanager.internal:4566", "P:ServiceUrl: must use https")]
    [InlineData("ServiceUrl", "ftp://x", "P:ServiceUrl: must be an http(s) URL")]
    [InlineData("Profile", "nobody", "P:Profile: no credentials for profile 'nobody'")]
    [InlineData("ProfilesFile", "/nonexistent/credentials", "P:ProfilesFile: the file '/nonexistent/credentials' does not exist")]
    [InlineData("KeyTemplate", "wacht/{appSlug}", "P:KeyTemplate:")]
    [InlineData("MaxConflictRetries", "0", "P:MaxConflictRetries:")]
    public void Validate_NamesTheKeyToFix(string setting, string value, string expected)
    {
        var settings = _world.Settings();
        settings[setting] = value;

        var failures = new AwsSecretsManagerDestinationKind().Validate("P", AwsWorld.AsSection(settings)).ToList();

        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    private static SecretDelivery Delivery(DateTimeOffset rotatedAt) =>
        new(Guid.NewGuid(), Target.DeploymentId, Target.AppSlug, Target.OAuthClientId, Target.ClientId,
            new ClientSecret("oc_secret_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16))), rotatedAt);
}
