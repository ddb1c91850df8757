using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Wacht.Client;
using Wacht.Worker.Secrets;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Secrets;

/// <summary>
/// What every <see cref="ISecretDestination"/> must do, run once per destination: each destination's test class
/// derives from this one and supplies a fresh backing store per test and the means to break it (unreachable,
/// forbidding, slow, a concurrent writer). The model is <c>LedgerBehaviourTests</c>.
/// </summary>
public abstract class SecretDestinationContractTests : IAsyncLifetime
{
    protected const string Deployment = "7283910238471";
    protected const string App = "billing-api";
    protected static readonly DateTimeOffset T0 = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private readonly List<string> _secrets = [];
    private readonly List<Exception> _exceptions = [];
    private ISecretDestination? _destination;

    protected SecretDestinationContractTests()
    {
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
    }

    /// <summary>Every log entry of every category (the destination's and its SDK's), for the hygiene checks.</summary>
    protected CapturedLogs Logs { get; } = new();

    /// <summary>Give this to the destination (and its SDK's logging, where it has any).</summary>
    protected ILoggerFactory LoggerFactory { get; }

    protected ISecretDestination Destination => _destination ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>A fresh, empty backing store and a destination on it.</summary>
    protected abstract Task<ISecretDestination> CreateDestinationAsync();

    /// <summary>Another destination instance on the same backing store (as another worker process would have).</summary>
    protected abstract ISecretDestination OpenAnotherInstance();

    /// <summary>Removes the backing store.</summary>
    protected abstract Task DeleteBackingStoreAsync();

    /// <summary>From now on the backing store cannot be reached (outage).</summary>
    protected abstract Task MakeUnreachableAsync();

    /// <summary>From now on the worker may not write <paramref name="key"/>.</summary>
    protected abstract Task MakeForbiddingAsync(string key);

    /// <summary>From now on calls about <paramref name="key"/> do not finish before <see cref="SlowCallGiveUp"/> has passed.</summary>
    protected abstract Task MakeSlowAsync(string key);

    /// <summary>Undoes <see cref="MakeUnreachableAsync"/>, <see cref="MakeForbiddingAsync"/> and <see cref="MakeSlowAsync"/>.</summary>
    protected abstract Task RestoreAsync();

    /// <summary>How long the slow test waits before it cancels (the destination may give up sooner through its own timeout).</summary>
    protected virtual TimeSpan SlowCallGiveUp => TimeSpan.FromSeconds(1);

    /// <summary>
    /// Arranges that another writer stores <paramref name="other"/> at <paramref name="key"/> after the next delivery
    /// has read what is there and before it writes. The default stores it through <see cref="OpenAnotherInstance"/>
    /// first, for destinations whose lock makes the interleaving impossible (file).
    /// </summary>
    protected virtual async Task ConflictOnNextWriteAsync(string key, SecretDelivery other) =>
        await OpenAnotherInstance().DeliverAsync(key, other, CancellationToken.None);

    /// <summary>What the destination's SDK emitted besides logs (diagnostic events, traces), for the hygiene checks.</summary>
    protected virtual IEnumerable<string> Diagnostics => [];

    /// <summary>Targets this destination cannot store under its default key (each must fail in KeyFor).</summary>
    protected abstract IEnumerable<SecretTarget> UnstorableTargets { get; }

    public async Task InitializeAsync() => _destination = await CreateDestinationAsync();

    public async Task DisposeAsync()
    {
        await DeleteBackingStoreAsync();
        LoggerFactory.Dispose();
    }

    [Fact]
    public async Task Deliver_ThenRead_ReturnsTheSecretWithItsStamp()
    {
        var (target, key) = NewTarget();
        var delivery = Delivery(target, T0);

        var result = await Destination.DeliverAsync(key, delivery, CancellationToken.None);
        var stored = await Destination.ReadAsync(key, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Written, result.Outcome);
        Assert.Equal(key, result.Key);
        Assert.Equal(delivery.Stamp, result.Present);
        Assert.NotNull(stored);
        Assert.Equal(target.ClientId, stored.ClientId);
        Assert.Equal(delivery.Secret, stored.Secret);
        Assert.Equal(T0, stored.RotatedAt);
        Assert.Equal(delivery.CommandId, stored.CommandId);
        Assert.Equal(delivery.Secret.Fingerprint, stored.Fingerprint);
        Assert.False(string.IsNullOrEmpty(stored.Version));
    }

    [Fact]
    public async Task Read_NothingDelivered_IsNull()
    {
        var (_, key) = NewTarget();

        Assert.Null(await Destination.ReadAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task KeyFor_IsPureAndStable_AndPreflightWritesNoSecret()
    {
        var (target, key) = NewTarget();

        Assert.Equal(key, Destination.KeyFor(target with { }, null));
        await Destination.PreflightAsync(key, target, CancellationToken.None);

        Assert.Null(await Destination.ReadAsync(key, CancellationToken.None));
    }

    [Fact]
    public void KeyFor_TargetsTheDestinationCannotStore_AreRefusedBeforeAnyCall()
    {
        foreach (var target in UnstorableTargets)
        {
            var ex = Assert.Throws<SecretKeyException>(() => Destination.KeyFor(target, null));
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        }
    }

    [Fact]
    public async Task Redeliver_SameCommandAndSecret_IsAlreadyCurrent_AndChangesNothing()
    {
        var (target, key) = NewTarget();
        var delivery = Delivery(target, T0);
        await Destination.DeliverAsync(key, delivery, CancellationToken.None);
        var before = await Destination.ReadAsync(key, CancellationToken.None);

        var again = await Destination.DeliverAsync(key, delivery, CancellationToken.None);
        var fromAnother = await OpenAnotherInstance().DeliverAsync(key, delivery, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.AlreadyCurrent, again.Outcome);
        Assert.Equal(DeliveryOutcome.AlreadyCurrent, fromAnother.Outcome);
        Assert.Equal(delivery.Stamp, again.Present);
        var after = await Destination.ReadAsync(key, CancellationToken.None);
        Assert.Equal(before!.Version, after!.Version);
        Assert.Equal(delivery.Secret, after.Secret);
    }

    [Fact]
    public async Task Deliver_OlderAfterNewer_IsNewerPresent_AndTheNewerStays()
    {
        var (target, key) = NewTarget();
        var older = Delivery(target, T0);
        var newer = Delivery(target, T0.AddMinutes(5));
        await Destination.DeliverAsync(key, newer, CancellationToken.None);
        var before = await Destination.ReadAsync(key, CancellationToken.None);

        var result = await Destination.DeliverAsync(key, older, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.NewerPresent, result.Outcome);
        Assert.Equal(newer.Stamp, result.Present);
        var stored = await Destination.ReadAsync(key, CancellationToken.None);
        Assert.Equal(newer.Secret, stored!.Secret);
        Assert.Equal(newer.CommandId, stored.CommandId);
        Assert.Equal(before!.Version, stored.Version);
    }

    [Fact]
    public async Task Deliver_NewerAfterOlder_ReplacesIt()
    {
        var (target, key) = NewTarget();
        var older = Delivery(target, T0);
        var newer = Delivery(target, T0.AddSeconds(1));
        await Destination.DeliverAsync(key, older, CancellationToken.None);

        var result = await Destination.DeliverAsync(key, newer, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Written, result.Outcome);
        Assert.Equal(newer.Secret, (await Destination.ReadAsync(key, CancellationToken.None))!.Secret);
    }

    [Fact]
    public async Task Deliver_SameCommandRotatedAgainLater_ReplacesItsEarlierSecret()
    {
        // A command whose pending secret became unreadable rotates again: same command id, a new, later secret.
        var (target, key) = NewTarget();
        var first = Delivery(target, T0);
        var second = Delivery(target, T0.AddMinutes(1)) with { CommandId = first.CommandId };
        await Destination.DeliverAsync(key, first, CancellationToken.None);

        var result = await Destination.DeliverAsync(key, second, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Written, result.Outcome);
        Assert.Equal(second.Secret, (await Destination.ReadAsync(key, CancellationToken.None))!.Secret);
    }

    [Fact]
    public async Task TwoUndeliveredRotations_RacingFromTwoInstances_EndWithTheNewer()
    {
        for (var round = 0; round < 8; round++)
        {
            var (target, key) = NewTarget();
            var older = Delivery(target, T0.AddMinutes(round));
            var newer = Delivery(target, T0.AddMinutes(round).AddSeconds(30));
            var other = OpenAnotherInstance();
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var first = Task.Run(async () =>
            {
                await gate.Task;
                return await Destination.DeliverAsync(key, older, CancellationToken.None);
            });
            var second = Task.Run(async () =>
            {
                await gate.Task;
                return await other.DeliverAsync(key, newer, CancellationToken.None);
            });

            gate.SetResult();
            var results = await Task.WhenAll(first, second);

            Assert.Equal(DeliveryOutcome.Written, results[1].Outcome);
            Assert.Contains(results[0].Outcome, new[] { DeliveryOutcome.Written, DeliveryOutcome.NewerPresent });
            var stored = await Destination.ReadAsync(key, CancellationToken.None);
            Assert.Equal(newer.Secret, stored!.Secret);
            Assert.Equal(newer.CommandId, stored.CommandId);
        }
    }

    [Fact]
    public async Task ConcurrentWriter_StoresANewerSecretBetweenReadAndWrite_TheOlderIsNotWritten()
    {
        var (target, key) = NewTarget();
        var mine = Delivery(target, T0);
        var theirs = Delivery(target, T0.AddMinutes(1));
        await ConflictOnNextWriteAsync(key, theirs);

        var result = await Destination.DeliverAsync(key, mine, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.NewerPresent, result.Outcome);
        Assert.Equal(theirs.Stamp, result.Present);
        Assert.Equal(theirs.Secret, (await Destination.ReadAsync(key, CancellationToken.None))!.Secret);
    }

    [Fact]
    public async Task ConcurrentWriter_StoresAnOlderSecretBetweenReadAndWrite_TheNewerIsWritten()
    {
        var (target, key) = NewTarget();
        var mine = Delivery(target, T0.AddMinutes(1));
        var theirs = Delivery(target, T0);
        await ConflictOnNextWriteAsync(key, theirs);

        var result = await Destination.DeliverAsync(key, mine, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Written, result.Outcome);
        Assert.Equal(mine.Secret, (await Destination.ReadAsync(key, CancellationToken.None))!.Secret);
    }

    [Fact]
    public async Task Deliver_VerifiedCurrent_ReplacesASecretThatLooksNewer()
    {
        // A skewed clock made a dead secret look newer; Wacht has just accepted the delivered one, so it must go in.
        var (target, key) = NewTarget();
        var deadButLater = Delivery(target, T0.AddMinutes(5));
        var verified = Delivery(target, T0) with { VerifiedCurrent = true };
        await Destination.DeliverAsync(key, deadButLater, CancellationToken.None);

        var result = await Destination.DeliverAsync(key, verified, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Written, result.Outcome);
        Assert.Equal(verified.CommandId, result.Present.CommandId);
        Assert.Equal(verified.Secret.Fingerprint, result.Present.Fingerprint);
        var stored = await Destination.ReadAsync(key, CancellationToken.None);
        Assert.Equal(verified.Secret, stored!.Secret);
        Assert.Equal(verified.CommandId, stored.CommandId);
        Assert.Equal(T0, stored.RotatedAt);
    }

    [Fact]
    public async Task Redeliver_VerifiedCurrent_SameCommandAndSecret_IsAlreadyCurrent_AndChangesNothing()
    {
        var (target, key) = NewTarget();
        var delivery = Delivery(target, T0);
        await Destination.DeliverAsync(key, delivery, CancellationToken.None);
        var before = await Destination.ReadAsync(key, CancellationToken.None);

        var again = await Destination.DeliverAsync(key, delivery with { VerifiedCurrent = true }, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.AlreadyCurrent, again.Outcome);
        Assert.Equal(before!.Version, (await Destination.ReadAsync(key, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task ConcurrentWriter_StoresANewerLookingSecretBetweenReadAndWrite_AVerifiedDeliveryStillEndsCurrent()
    {
        var (target, key) = NewTarget();
        var verified = Delivery(target, T0) with { VerifiedCurrent = true };
        var theirs = Delivery(target, T0.AddMinutes(1));
        await ConflictOnNextWriteAsync(key, theirs);

        var result = await Destination.DeliverAsync(key, verified, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Written, result.Outcome);
        var stored = await Destination.ReadAsync(key, CancellationToken.None);
        Assert.Equal(verified.Secret, stored!.Secret);
        Assert.Equal(verified.CommandId, stored.CommandId);
    }

    [Fact]
    public async Task Preflight_Forbidden_FailsAsForbidden_AndDeliveryWritesNothing()
    {
        var (target, key) = NewTarget();
        await MakeForbiddingAsync(key);

        var preflight = await Assert.ThrowsAsync<SecretDestinationException>(() => Destination.PreflightAsync(key, target, CancellationToken.None));
        var delivery = await Assert.ThrowsAsync<SecretDestinationException>(() => Destination.DeliverAsync(key, Delivery(target, T0), CancellationToken.None));
        _exceptions.Add(preflight);
        _exceptions.Add(delivery);

        Assert.Equal(SecretDestinationFailure.Forbidden, preflight.Reason);
        Assert.Equal(SecretDestinationFailure.Forbidden, delivery.Reason);
        await RestoreAsync();
        Assert.Null(await Destination.ReadAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task Preflight_Unreachable_FailsAsUnreachable()
    {
        var (target, key) = NewTarget();
        await MakeUnreachableAsync();

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => Destination.PreflightAsync(key, target, CancellationToken.None));
        _exceptions.Add(ex);

        Assert.Equal(SecretDestinationFailure.Unreachable, ex.Reason);
        Assert.True(ex.Transient);
    }

    [Fact]
    public async Task Outage_DuringDelivery_Throws_AndThePreviousSecretIsIntact()
    {
        var (target, key) = NewTarget();
        var first = Delivery(target, T0);
        await Destination.DeliverAsync(key, first, CancellationToken.None);
        await MakeUnreachableAsync();

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => Destination.DeliverAsync(key, Delivery(target, T0.AddMinutes(1)), CancellationToken.None));
        _exceptions.Add(ex);

        Assert.Equal(SecretDestinationFailure.Unreachable, ex.Reason);
        await RestoreAsync();
        var stored = await Destination.ReadAsync(key, CancellationToken.None);
        Assert.Equal(first.Secret, stored!.Secret);
        Assert.Equal(first.CommandId, stored.CommandId);
    }

    [Fact]
    public async Task Slow_DeliveryGivesUp_AndThePreviousSecretIsIntact()
    {
        var (target, key) = NewTarget();
        var first = Delivery(target, T0);
        await Destination.DeliverAsync(key, first, CancellationToken.None);
        await MakeSlowAsync(key);
        using var giveUp = new CancellationTokenSource(SlowCallGiveUp);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => Destination.DeliverAsync(key, Delivery(target, T0.AddMinutes(1)), giveUp.Token));
        _exceptions.Add(ex);

        Assert.True(
            ex is OperationCanceledException || ex is SecretDestinationException { Reason: SecretDestinationFailure.Unreachable },
            $"Expected a cancellation or an Unreachable failure, got {ex.GetType().Name}: {ex.Message}");
        await RestoreAsync();
        Assert.Equal(first.Secret, (await Destination.ReadAsync(key, CancellationToken.None))!.Secret);
    }

    [Fact]
    public async Task NoSecret_InLogsExceptionsResultsOrDiagnostics()
    {
        var (target, key) = NewTarget();
        var older = Delivery(target, T0);
        var newer = Delivery(target, T0.AddMinutes(1));
        var results = new List<object?>
        {
            await Destination.DeliverAsync(key, newer, CancellationToken.None),
            await Destination.DeliverAsync(key, newer, CancellationToken.None),
            await Destination.DeliverAsync(key, older, CancellationToken.None),
            await Destination.ReadAsync(key, CancellationToken.None),
            older,
        };
        await MakeUnreachableAsync();
        _exceptions.Add(await Assert.ThrowsAsync<SecretDestinationException>(() => Destination.DeliverAsync(key, Delivery(target, T0.AddMinutes(2)), CancellationToken.None)));
        _exceptions.Add(await Assert.ThrowsAnyAsync<Exception>(() => Destination.ReadAsync(key, CancellationToken.None)));
        await RestoreAsync();
        var (otherTarget, otherKey) = NewTarget();
        await MakeForbiddingAsync(otherKey);
        _exceptions.Add(await Assert.ThrowsAsync<SecretDestinationException>(() => Destination.DeliverAsync(otherKey, Delivery(otherTarget, T0), CancellationToken.None)));
        await RestoreAsync();

        AssertNoSecretLeaked(results.Select(r => r?.ToString() ?? ""));
    }

    /// <summary>Checks the captured logs, every exception a test saw (with inner exceptions and stack) and <paramref name="texts"/>.</summary>
    protected void AssertNoSecretLeaked(IEnumerable<string> texts)
    {
        var haystacks = texts.Concat(_exceptions.Select(e => e.ToString())).Concat(Diagnostics).Append(Logs.AllText).ToList();
        Assert.NotEmpty(_secrets);
        foreach (var secret in _secrets)
        {
            foreach (var text in haystacks)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>A client nobody used yet, and its key at the destination under the default template.</summary>
    protected (SecretTarget Target, string Key) NewTarget()
    {
        var recordId = "72839102384710" + RandomNumberGenerator.GetInt32(10_000, 99_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var clientId = "oc_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(9)).Replace('+', '-').Replace('/', '_');
        var target = new SecretTarget(Deployment, App, recordId, clientId);
        return (target, Destination.KeyFor(target, null));
    }

    /// <summary>A delivery of a new random secret (remembered for the hygiene checks) by a new command.</summary>
    protected SecretDelivery Delivery(SecretTarget target, DateTimeOffset rotatedAt)
    {
        var secret = "oc_secret_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        lock (_secrets)
        {
            _secrets.Add(secret);
        }

        return new SecretDelivery(Guid.NewGuid(), target.DeploymentId, target.AppSlug, target.OAuthClientId, target.ClientId, new ClientSecret(secret), rotatedAt);
    }
}
