using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Wacht.Client;
using Wacht.Worker.Ledger;
using Wacht.Worker.Ledger.Sql;

namespace Wacht.Worker.Tests.Ledger;

/// <summary>
/// The behaviour every <see cref="ICommandLedger"/> (and <see cref="IJobLedger"/>) must have. Compiled into the unit tests (run against SQLite) and
/// the integration tests (run against PostgreSQL); each derived class supplies a fresh, empty store per test.
/// </summary>
public abstract class LedgerBehaviourTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    protected const string SecretText = "oc_secret_Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTA";

    private ICommandLedger? _ledger;

    protected FakeTimeProvider Time { get; } = new(Start);

    protected SecretProtector Protector { get; } = new(RandomNumberGenerator.GetBytes(32));

    protected ICommandLedger Ledger => _ledger ?? throw new InvalidOperationException("The store is not initialised.");

    /// <summary>The same ledger as <see cref="Ledger"/>, as the scheduled jobs see it.</summary>
    protected IJobLedger Jobs => (IJobLedger)Ledger;

    /// <summary>Prepares a fresh, empty store for this test.</summary>
    protected abstract Task CreateStoreAsync();

    /// <summary>Removes the store.</summary>
    protected abstract Task DeleteStoreAsync();

    /// <summary>A new ledger instance on the test's store (as after a restart of the worker).</summary>
    protected abstract ICommandLedger OpenLedger(SecretProtector protector, TimeProvider timeProvider);

    /// <summary>The raw stored value of the <c>pending_secret</c> column, or null.</summary>
    protected abstract Task<byte[]?> ReadRawPendingSecretAsync(Guid commandId);

    public async Task InitializeAsync()
    {
        await CreateStoreAsync();
        _ledger = OpenLedger(Protector, Time);
        await _ledger.InitializeAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_ledger is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        await DeleteStoreAsync();
    }

    [Fact]
    public async Task Begin_NewCommand_IsRecordedAsReceived()
    {
        var start = Rotation();

        var record = await Ledger.BeginAsync(start, CancellationToken.None);

        Assert.Equal(start.CommandId, record.CommandId);
        Assert.Equal("rotate-secret", record.Kind);
        Assert.Equal("7283910238471", record.DeploymentId);
        Assert.Equal("billing", record.AppSlug);
        Assert.Equal("client-42", record.TargetId);
        Assert.Equal(CommandState.Received, record.State);
        Assert.Equal(0, record.RotateCalls);
        Assert.Equal(Start, record.CreatedAt);
        Assert.Equal(Start, record.UpdatedAt);
        Assert.Null(record.Outcome);
        Assert.False(record.IsTerminal);
        Assert.Equal(record, await Ledger.FindAsync(start.CommandId, CancellationToken.None));
    }

    [Fact]
    public async Task Begin_Duplicate_ReturnsTheExistingRecordUnchanged()
    {
        var start = Rotation();
        await Ledger.BeginAsync(start, CancellationToken.None);
        await Ledger.MarkRotatingAsync(start.CommandId, null, CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(1));

        var duplicate = await Ledger.BeginAsync(start with { AppSlug = "other", Reason = "again" }, CancellationToken.None);

        Assert.Equal(CommandState.Rotating, duplicate.State);
        Assert.Equal("billing", duplicate.AppSlug);
        Assert.Equal(1, duplicate.RotateCalls);
        Assert.Equal(Start, duplicate.CreatedAt);
    }

    [Fact]
    public async Task Begin_CommandWithoutTarget_KeepsTargetNull()
    {
        var start = new CommandStart(Guid.NewGuid(), "sync-scopes", "7283910238471", "billing", null, "manual", null, null);

        var record = await Ledger.BeginAsync(start, CancellationToken.None);

        Assert.Null(record.TargetId);
        Assert.Equal("sync-scopes", record.Kind);
    }

    [Fact]
    public async Task Begin_WithAPayloadFingerprintAndValidatedUser_StoresThemAndReturnsThem()
    {
        var start = Rotation() with { Fingerprint = "sha256:payload-1", ValidatedUser = "ops@example.com" };

        var record = await Ledger.BeginAsync(start, CancellationToken.None);

        Assert.Equal("sha256:payload-1", record.Fingerprint);
        Assert.Equal("ops@example.com", record.ValidatedUser);
        Assert.Equal(record, await Ledger.FindAsync(start.CommandId, CancellationToken.None));
    }

    [Fact]
    public async Task Begin_Duplicate_ReturnsTheFingerprintAndValidatedUserFirstStored()
    {
        var start = Rotation() with { Fingerprint = "sha256:first", ValidatedUser = "alice@example.com" };
        await Ledger.BeginAsync(start, CancellationToken.None);

        var other = await Ledger.BeginAsync(start with { Fingerprint = "sha256:second", ValidatedUser = "mallory@example.com" }, CancellationToken.None);
        var without = await Ledger.BeginAsync(start with { Fingerprint = null, ValidatedUser = null }, CancellationToken.None);

        Assert.Equal(("sha256:first", "alice@example.com"), (other.Fingerprint, other.ValidatedUser));
        Assert.Equal(("sha256:first", "alice@example.com"), (without.Fingerprint, without.ValidatedUser));
    }

    [Fact]
    public async Task Begin_WithoutFingerprintOrValidatedUser_KeepsThemNull_EvenWhenADuplicateBringsThem()
    {
        var start = Rotation();

        var record = await Ledger.BeginAsync(start, CancellationToken.None);
        var duplicate = await Ledger.BeginAsync(start with { Fingerprint = "sha256:late", ValidatedUser = "late@example.com" }, CancellationToken.None);

        Assert.Null(record.Fingerprint);
        Assert.Null(record.ValidatedUser);
        Assert.Equal(record, duplicate);
    }

    [Fact]
    public async Task FingerprintAndValidatedUser_StayWithTheCommandThroughItsStates()
    {
        var start = Rotation() with { Fingerprint = "sha256:payload-2", ValidatedUser = "ops@example.com" };
        await Ledger.BeginAsync(start, CancellationToken.None);
        await Ledger.MarkRotatingAsync(start.CommandId, null, CancellationToken.None);
        await Ledger.StorePendingSecretAsync(start.CommandId, Pending(), CancellationToken.None);
        await Ledger.CompleteAsync(start.CommandId, new RecordedOutcome(false, "SecretRotationFailed", "{}", true), CancellationToken.None);

        var reopened = await Ledger.ReopenAsync(start.CommandId, CancellationToken.None);

        Assert.Equal(CommandState.PendingDelivery, reopened.State);
        Assert.Equal(("sha256:payload-2", "ops@example.com"), (reopened.Fingerprint, reopened.ValidatedUser));
        Assert.Equal(reopened, await Ledger.FindAsync(start.CommandId, CancellationToken.None));
    }

    [Fact]
    public async Task Outcome_AndJobSummary_LongerThan4000Characters_AreKeptWhole()
    {
        // Dapper sizes short string parameters at 4,000 characters; longer values must not be cut.
        var json = "{\"detail\":\"" + new string('x', 10_000) + "\"}";
        var start = await BeginRotationAsync();
        var outcome = new RecordedOutcome(false, "SecretRotationFailed", json, false);
        var run = Run(JobNames.GrantAudit, Start) with { SummaryJson = json };

        await Ledger.CompleteAsync(start.CommandId, outcome, CancellationToken.None);
        await Jobs.RecordJobRunAsync(run, CancellationToken.None);

        Assert.Equal(outcome, (await Ledger.FindAsync(start.CommandId, CancellationToken.None))!.Outcome);
        Assert.Equal([run], await Jobs.ListJobRunsAsync(JobNames.GrantAudit, 10, CancellationToken.None));
    }

    [Fact]
    public async Task ConcurrentWriters_ManyCommandsAtOnce_AllRecordedWithoutErrors()
    {
        // More writers than the ledger's old comfortable limit (16): they must wait for each other, not fail.
        var starts = Enumerable.Range(0, 48).Select(i => Rotation($"client-{i % 8}")).ToList();

        await Task.WhenAll(starts.Select(start => Task.Run(async () =>
        {
            await Ledger.BeginAsync(start, CancellationToken.None);
            await Ledger.MarkRotatingAsync(start.CommandId, null, CancellationToken.None);
            await Ledger.CompleteAsync(start.CommandId, new RecordedOutcome(false, "SecretRotationFailed", "{}", true), CancellationToken.None);
        })));

        foreach (var start in starts)
        {
            var record = await Ledger.FindAsync(start.CommandId, CancellationToken.None);
            Assert.Equal(CommandState.Failed, record!.State);
            Assert.Equal(1, record.RotateCalls);
        }
    }

    [Fact]
    public async Task Find_UnknownCommand_ReturnsNull()
    {
        Assert.Null(await Ledger.FindAsync(Guid.NewGuid(), CancellationToken.None));
    }

    [Fact]
    public async Task MarkRotating_MovesToRotatingAndCountsEveryRotateCall()
    {
        var start = await BeginRotationAsync();
        Time.Advance(TimeSpan.FromSeconds(5));

        await Ledger.MarkRotatingAsync(start.CommandId, null, CancellationToken.None);
        await Ledger.MarkRotatingAsync(start.CommandId, null, CancellationToken.None);

        var record = await Ledger.FindAsync(start.CommandId, CancellationToken.None);
        Assert.Equal(CommandState.Rotating, record!.State);
        Assert.Equal(2, record.RotateCalls);
        Assert.Equal(Start, record.CreatedAt);
        Assert.Equal(Start.AddSeconds(5), record.UpdatedAt);
    }

    [Fact]
    public async Task MarkRotating_UnknownCommand_Throws()
    {
        var id = Guid.NewGuid();

        var ex = await Assert.ThrowsAsync<LedgerStateException>(() => Ledger.MarkRotatingAsync(id, null, CancellationToken.None));

        Assert.Equal(id, ex.CommandId);
        Assert.Null(ex.State);
    }

    [Fact]
    public async Task MarkRotating_WhileASecretIsPending_IsRefused()
    {
        var start = await StorePendingAsync();

        var ex = await Assert.ThrowsAsync<LedgerStateException>(() => Ledger.MarkRotatingAsync(start.CommandId, null, CancellationToken.None));

        Assert.Equal(CommandState.PendingDelivery, ex.State);
    }

    [Fact]
    public async Task MarkRotating_WithAnInFlightDeadline_ReportsItForTheClient_UntilTheCallSettles()
    {
        var start = await BeginRotationAsync();

        await Ledger.MarkRotatingAsync(start.CommandId, Start.AddMinutes(2), CancellationToken.None);

        Assert.Equal(Start.AddMinutes(2), await Ledger.FindRotateInFlightUntilAsync("7283910238471", "client-42", CancellationToken.None));
        Assert.Equal(Start.AddMinutes(2), (await Ledger.FindAsync(start.CommandId, CancellationToken.None))!.RotateInFlightUntil);
        Assert.Null(await Ledger.FindRotateInFlightUntilAsync("7283910238471", "client-43", CancellationToken.None));

        await Ledger.SettleRotateAsync(start.CommandId, CancellationToken.None);

        Assert.Null(await Ledger.FindRotateInFlightUntilAsync("7283910238471", "client-42", CancellationToken.None));
        Assert.Equal(CommandState.Rotating, (await Ledger.FindAsync(start.CommandId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task StorePendingSecret_SettlesTheRotateCall()
    {
        var start = await BeginRotationAsync();
        await Ledger.MarkRotatingAsync(start.CommandId, Start.AddMinutes(2), CancellationToken.None);

        await Ledger.StorePendingSecretAsync(start.CommandId, new PendingSecret("oc_Y2xpZW50LTQy", new ClientSecret(SecretText), Start), CancellationToken.None);

        Assert.Null(await Ledger.FindRotateInFlightUntilAsync("7283910238471", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task MarkRotating_Again_ReplacesTheDeadline()
    {
        var start = await BeginRotationAsync();
        await Ledger.MarkRotatingAsync(start.CommandId, Start.AddMinutes(2), CancellationToken.None);

        await Ledger.MarkRotatingAsync(start.CommandId, Start.AddMinutes(5), CancellationToken.None);

        Assert.Equal(Start.AddMinutes(5), await Ledger.FindRotateInFlightUntilAsync("7283910238471", "client-42", CancellationToken.None));
        Assert.Equal(2, (await Ledger.FindAsync(start.CommandId, CancellationToken.None))!.RotateCalls);
    }

    [Fact]
    public async Task SettleRotate_OutsideRotating_IsRefused()
    {
        var start = await BeginRotationAsync();

        var ex = await Assert.ThrowsAsync<LedgerStateException>(() => Ledger.SettleRotateAsync(start.CommandId, CancellationToken.None));

        Assert.Equal(CommandState.Received, ex.State);
    }

    [Fact]
    public async Task FindRotateInFlightUntil_ReturnsTheLatestDeadlineOfTheClientsRotateCommands()
    {
        var first = await BeginRotationAsync();
        var second = await BeginRotationAsync();
        var settled = await BeginRotationAsync();
        var otherClient = await BeginRotationAsync("client-43");
        var otherDeployment = Rotation() with { DeploymentId = "999" };
        await Ledger.BeginAsync(otherDeployment, CancellationToken.None);
        var otherKind = Rotation() with { Kind = "revoke-grant" };
        await Ledger.BeginAsync(otherKind, CancellationToken.None);
        await BeginRotationAsync(); // Never marked: no call.

        await Ledger.MarkRotatingAsync(first.CommandId, Start.AddMinutes(1), CancellationToken.None);
        await Ledger.MarkRotatingAsync(second.CommandId, Start.AddMinutes(3), CancellationToken.None);
        await Ledger.MarkRotatingAsync(settled.CommandId, Start.AddMinutes(10), CancellationToken.None);
        await Ledger.SettleRotateAsync(settled.CommandId, CancellationToken.None);
        await Ledger.MarkRotatingAsync(otherClient.CommandId, Start.AddMinutes(20), CancellationToken.None);
        await Ledger.MarkRotatingAsync(otherDeployment.CommandId, Start.AddMinutes(30), CancellationToken.None);
        await Ledger.MarkRotatingAsync(otherKind.CommandId, Start.AddMinutes(40), CancellationToken.None);

        Assert.Equal(Start.AddMinutes(3), await Ledger.FindRotateInFlightUntilAsync("7283910238471", "client-42", CancellationToken.None));
        Assert.Equal(Start.AddMinutes(20), await Ledger.FindRotateInFlightUntilAsync("7283910238471", "client-43", CancellationToken.None));
        Assert.Equal(Start.AddMinutes(30), await Ledger.FindRotateInFlightUntilAsync("999", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task RecordRoute_IsKeptWithTheCommand_AndNotChangedOnceItIsTerminal()
    {
        var start = await BeginRotationAsync();

        await Ledger.RecordRouteAsync(start.CommandId, "apps", "vault-prod", "secret/data/apps/client-42", CancellationToken.None);
        var record = await Ledger.FindAsync(start.CommandId, CancellationToken.None);
        await Ledger.CompleteAsync(start.CommandId, new RecordedOutcome(false, "SecretRotationFailed", "{}", false), CancellationToken.None);
        await Ledger.RecordRouteAsync(start.CommandId, "other", "file", "x.json", CancellationToken.None);

        Assert.Equal(("apps", "vault-prod", "secret/data/apps/client-42"), (record!.Route, record.Destination, record.DestinationKey));
        var terminal = await Ledger.FindAsync(start.CommandId, CancellationToken.None);
        Assert.Equal(("apps", "vault-prod", "secret/data/apps/client-42"), (terminal!.Route, terminal.Destination, terminal.DestinationKey));
    }

    [Fact]
    public async Task RotationHistory_KeepsTheSenderRouteAndVerificationTime()
    {
        var start = await BeginRotationAsync();
        var rotation = RotationOf(start, Start.AddMinutes(1)) with { SentBy = "ci-deployer", Route = "apps", VerifiedAt = Start.AddMinutes(1).AddSeconds(2) };

        await Ledger.CompleteRotationAsync(start.CommandId, rotation, new RecordedOutcome(true, "SecretRotated", "{}", false), CancellationToken.None);

        Assert.Equal(rotation, await Ledger.FindLastRotationAsync("7283910238471", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task FindRotateInFlightUntil_WithoutAnyCallInFlight_ReturnsNull()
    {
        Assert.Null(await Ledger.FindRotateInFlightUntilAsync("7283910238471", "client-42", CancellationToken.None));

        var start = await BeginRotationAsync();
        await Ledger.MarkRotatingAsync(start.CommandId, null, CancellationToken.None);

        Assert.Null(await Ledger.FindRotateInFlightUntilAsync("7283910238471", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task StorePendingSecret_KeepsOnlyCiphertextInTheDatabase()
    {
        var start = await StorePendingAsync();

        var raw = await ReadRawPendingSecretAsync(start.CommandId);

        Assert.NotNull(raw);
        Assert.Equal(SecretProtector.FormatVersion, raw[0]);
        Assert.DoesNotContain(SecretText, Encoding.UTF8.GetString(raw), StringComparison.Ordinal);
        Assert.DoesNotContain(SecretText, Encoding.Latin1.GetString(raw), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorePendingSecret_IsReadBackDecryptedInStatePendingDelivery()
    {
        var start = await StorePendingAsync();

        var pending = await Ledger.ReadPendingSecretAsync(start.CommandId, CancellationToken.None);
        var record = await Ledger.FindAsync(start.CommandId, CancellationToken.None);

        Assert.NotNull(pending);
        Assert.Equal("oc_Y2xpZW50LTQy", pending.ClientId);
        Assert.Equal(SecretText, pending.Secret.Reveal());
        Assert.Equal(Start.AddSeconds(1), pending.IssuedAt);
        Assert.Equal(CommandState.PendingDelivery, record!.State);
    }

    [Fact]
    public async Task StorePendingSecret_WhenRotateWasNotMarked_IsRefused()
    {
        var start = await BeginRotationAsync();

        await Assert.ThrowsAsync<LedgerStateException>(() =>
            Ledger.StorePendingSecretAsync(start.CommandId, Pending(), CancellationToken.None));

        Assert.Null(await ReadRawPendingSecretAsync(start.CommandId));
    }

    [Fact]
    public async Task ReadPendingSecret_WithoutASecret_ReturnsNull()
    {
        var start = await BeginRotationAsync();

        Assert.Null(await Ledger.ReadPendingSecretAsync(start.CommandId, CancellationToken.None));
        Assert.Null(await Ledger.ReadPendingSecretAsync(Guid.NewGuid(), CancellationToken.None));
    }

    [Fact]
    public async Task ReadPendingSecret_WithAnotherKey_FailsWithoutRevealingAnything()
    {
        var start = await StorePendingAsync();
        var other = OpenLedger(new SecretProtector(RandomNumberGenerator.GetBytes(32)), Time);

        var ex = await Assert.ThrowsAsync<SecretProtectionException>(() => other.ReadPendingSecretAsync(start.CommandId, CancellationToken.None));

        Assert.DoesNotContain(SecretText, ex.Message, StringComparison.Ordinal);
        await DisposeIfNeededAsync(other);
    }

    [Fact]
    public async Task CompleteRotation_ErasesThePendingSecretAndAppendsHistory()
    {
        var start = await StorePendingAsync();
        Time.Advance(TimeSpan.FromSeconds(2));
        var rotation = RotationOf(start, Time.GetUtcNow());
        var outcome = new RecordedOutcome(true, "SecretRotated", """{"commandId":"x"}""", false);

        await Ledger.CompleteRotationAsync(start.CommandId, rotation, outcome, CancellationToken.None);

        var record = await Ledger.FindAsync(start.CommandId, CancellationToken.None);
        Assert.Equal(CommandState.Succeeded, record!.State);
        Assert.True(record.IsTerminal);
        Assert.Equal(outcome, record.Outcome);
        Assert.Null(await Ledger.ReadPendingSecretAsync(start.CommandId, CancellationToken.None));
        Assert.Null(await ReadRawPendingSecretAsync(start.CommandId));
        Assert.Equal([rotation], await Ledger.ListRotationsAsync("7283910238471", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task CompleteRotation_OfACompletedCommand_IsRefusedAndAddsNoHistory()
    {
        var start = await StorePendingAsync();
        var rotation = RotationOf(start, Time.GetUtcNow());
        var outcome = new RecordedOutcome(true, "SecretRotated", "{}", false);
        await Ledger.CompleteRotationAsync(start.CommandId, rotation, outcome, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<LedgerStateException>(() =>
            Ledger.CompleteRotationAsync(start.CommandId, rotation, outcome, CancellationToken.None));

        Assert.Equal(CommandState.Succeeded, ex.State);
        Assert.Single(await Ledger.ListRotationsAsync("7283910238471", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task CompleteRotation_WithARecordOfAnotherCommand_IsRejected()
    {
        var start = await StorePendingAsync();
        var rotation = RotationOf(start, Time.GetUtcNow()) with { CommandId = Guid.NewGuid() };

        await Assert.ThrowsAsync<ArgumentException>(() =>
            Ledger.CompleteRotationAsync(start.CommandId, rotation, new RecordedOutcome(true, "SecretRotated", "{}", false), CancellationToken.None));

        Assert.NotNull(await Ledger.ReadPendingSecretAsync(start.CommandId, CancellationToken.None));
    }

    [Fact]
    public async Task Complete_Failure_KeepsThePendingSecret()
    {
        var start = await StorePendingAsync();
        var outcome = new RecordedOutcome(false, "SecretRotationFailed", """{"error":"destination unavailable"}""", true);

        await Ledger.CompleteAsync(start.CommandId, outcome, CancellationToken.None);

        var record = await Ledger.FindAsync(start.CommandId, CancellationToken.None);
        Assert.Equal(CommandState.Failed, record!.State);
        Assert.Equal(outcome, record.Outcome);
        var pending = await Ledger.ReadPendingSecretAsync(start.CommandId, CancellationToken.None);
        Assert.Equal(SecretText, pending!.Secret.Reveal());
        Assert.Empty(await Ledger.ListRotationsAsync("7283910238471", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task DiscardPendingSecret_OfAFailedCommand_ErasesTheCiphertextAndKeepsTheOutcome()
    {
        var start = await StorePendingAsync();
        var outcome = new RecordedOutcome(false, "SecretRotationFailed", """{"errorCode":"superseded"}""", false);
        await Ledger.CompleteAsync(start.CommandId, outcome, CancellationToken.None);

        await Ledger.DiscardPendingSecretAsync(start.CommandId, CancellationToken.None);

        Assert.Null(await Ledger.ReadPendingSecretAsync(start.CommandId, CancellationToken.None));
        Assert.Null(await ReadRawPendingSecretAsync(start.CommandId));
        var record = await Ledger.FindAsync(start.CommandId, CancellationToken.None);
        Assert.Equal(CommandState.Failed, record!.State);
        Assert.Equal(outcome, record.Outcome);
    }

    [Fact]
    public async Task DiscardPendingSecret_OfACommandStillPendingDelivery_LeavesTheSecret()
    {
        var start = await StorePendingAsync();

        await Ledger.DiscardPendingSecretAsync(start.CommandId, CancellationToken.None);

        Assert.Equal(SecretText, (await Ledger.ReadPendingSecretAsync(start.CommandId, CancellationToken.None))!.Secret.Reveal());
    }

    [Fact]
    public async Task AbandonPendingSecret_ErasesTheCiphertextAndReturnsToRotating()
    {
        var start = await StorePendingAsync();
        Time.Advance(TimeSpan.FromMinutes(1));

        await Ledger.AbandonPendingSecretAsync(start.CommandId, CancellationToken.None);

        var record = await Ledger.FindAsync(start.CommandId, CancellationToken.None);
        Assert.Equal(CommandState.Rotating, record!.State);
        Assert.Equal(1, record.RotateCalls);
        Assert.Equal(Time.GetUtcNow(), record.UpdatedAt);
        Assert.Null(record.Outcome);
        Assert.Null(await ReadRawPendingSecretAsync(start.CommandId));
        Assert.Null(await Ledger.ReadPendingSecretAsync(start.CommandId, CancellationToken.None));
    }

    [Fact]
    public async Task AbandonPendingSecret_UndecryptableAfterAKeyChange_AllowsRotatingAgain()
    {
        var start = await StorePendingAsync();
        var rekeyed = OpenLedger(new SecretProtector(RandomNumberGenerator.GetBytes(32)), Time);
        await Assert.ThrowsAsync<SecretProtectionException>(() => rekeyed.ReadPendingSecretAsync(start.CommandId, CancellationToken.None));

        await rekeyed.AbandonPendingSecretAsync(start.CommandId, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(30));
        await rekeyed.MarkRotatingAsync(start.CommandId, Start.AddMinutes(3), CancellationToken.None);
        Assert.Equal(Start.AddMinutes(3), await rekeyed.FindRotateInFlightUntilAsync("7283910238471", "client-42", CancellationToken.None));
        await rekeyed.StorePendingSecretAsync(start.CommandId, Pending(), CancellationToken.None);

        var record = await rekeyed.FindAsync(start.CommandId, CancellationToken.None);
        Assert.Equal(CommandState.PendingDelivery, record!.State);
        Assert.Equal(2, record.RotateCalls);
        Assert.Equal(SecretText, (await rekeyed.ReadPendingSecretAsync(start.CommandId, CancellationToken.None))!.Secret.Reveal());
        await DisposeIfNeededAsync(rekeyed);
    }

    [Fact]
    public async Task AbandonPendingSecret_OutsidePendingDelivery_IsRefused()
    {
        var received = await BeginRotationAsync();
        var succeeded = await StorePendingAsync();
        await Ledger.CompleteRotationAsync(
            succeeded.CommandId, RotationOf(succeeded, Time.GetUtcNow()), new RecordedOutcome(true, "SecretRotated", "{}", false), CancellationToken.None);
        var failed = await StorePendingAsync();
        await Ledger.CompleteAsync(failed.CommandId, new RecordedOutcome(false, "SecretRotationFailed", "{}", true), CancellationToken.None);
        var unknown = Guid.NewGuid();

        var onReceived = await Assert.ThrowsAsync<LedgerStateException>(() => Ledger.AbandonPendingSecretAsync(received.CommandId, CancellationToken.None));
        var onSucceeded = await Assert.ThrowsAsync<LedgerStateException>(() => Ledger.AbandonPendingSecretAsync(succeeded.CommandId, CancellationToken.None));
        var onFailed = await Assert.ThrowsAsync<LedgerStateException>(() => Ledger.AbandonPendingSecretAsync(failed.CommandId, CancellationToken.None));
        var onUnknown = await Assert.ThrowsAsync<LedgerStateException>(() => Ledger.AbandonPendingSecretAsync(unknown, CancellationToken.None));

        Assert.Equal(CommandState.Received, onReceived.State);
        Assert.Equal(CommandState.Succeeded, onSucceeded.State);
        Assert.Equal(CommandState.Failed, onFailed.State);
        Assert.Null(onUnknown.State);
        Assert.Equal(CommandState.Received, (await Ledger.FindAsync(received.CommandId, CancellationToken.None))!.State);
        Assert.Equal(CommandState.Succeeded, (await Ledger.FindAsync(succeeded.CommandId, CancellationToken.None))!.State);
        Assert.Equal(CommandState.Failed, (await Ledger.FindAsync(failed.CommandId, CancellationToken.None))!.State);
        Assert.NotNull(await ReadRawPendingSecretAsync(failed.CommandId));
    }

    [Fact]
    public async Task Complete_Success_RecordsTheOutcome()
    {
        var start = new CommandStart(Guid.NewGuid(), "revoke-grant", "7283910238471", "billing", "client-42", "manual", "ops@example.com", null);
        await Ledger.BeginAsync(start, CancellationToken.None);
        var outcome = new RecordedOutcome(true, "GrantRevoked", """{"ok":true}""", false);

        await Ledger.CompleteAsync(start.CommandId, outcome, CancellationToken.None);

        var record = await Ledger.FindAsync(start.CommandId, CancellationToken.None);
        Assert.Equal(CommandState.Succeeded, record!.State);
        Assert.Equal(outcome, record.Outcome);
    }

    [Fact]
    public async Task Complete_Twice_IsRefused()
    {
        var start = await BeginRotationAsync();
        var outcome = new RecordedOutcome(false, "SecretRotationFailed", "{}", false);
        await Ledger.CompleteAsync(start.CommandId, outcome, CancellationToken.None);

        await Assert.ThrowsAsync<LedgerStateException>(() => Ledger.CompleteAsync(start.CommandId, outcome, CancellationToken.None));
    }

    [Fact]
    public async Task Reopen_RetryableFailureWithPendingSecret_ReturnsToPendingDelivery()
    {
        var start = await StorePendingAsync();
        await Ledger.CompleteAsync(start.CommandId, new RecordedOutcome(false, "SecretRotationFailed", "{}", true), CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(3));

        var record = await Ledger.ReopenAsync(start.CommandId, CancellationToken.None);

        Assert.Equal(CommandState.PendingDelivery, record.State);
        Assert.Null(record.Outcome);
        Assert.Equal(1, record.RotateCalls);
        Assert.Equal(Time.GetUtcNow(), record.UpdatedAt);
        Assert.Equal(SecretText, (await Ledger.ReadPendingSecretAsync(start.CommandId, CancellationToken.None))!.Secret.Reveal());
    }

    [Fact]
    public async Task Reopen_RetryableFailureWithoutSecret_ReturnsToReceived()
    {
        var start = await BeginRotationAsync();
        await Ledger.MarkRotatingAsync(start.CommandId, null, CancellationToken.None);
        await Ledger.CompleteAsync(start.CommandId, new RecordedOutcome(false, "SecretRotationFailed", "{}", true), CancellationToken.None);

        var record = await Ledger.ReopenAsync(start.CommandId, CancellationToken.None);

        Assert.Equal(CommandState.Received, record.State);
        Assert.Null(record.Outcome);
        Assert.Equal(record, await Ledger.FindAsync(start.CommandId, CancellationToken.None));
    }

    [Fact]
    public async Task Reopen_NonRetryableFailureOrSuccess_IsRefused()
    {
        var failed = await BeginRotationAsync();
        await Ledger.CompleteAsync(failed.CommandId, new RecordedOutcome(false, "SecretRotationFailed", "{}", false), CancellationToken.None);
        var succeeded = await BeginRotationAsync();
        await Ledger.CompleteAsync(succeeded.CommandId, new RecordedOutcome(true, "SecretRotated", "{}", true), CancellationToken.None);

        await Assert.ThrowsAsync<LedgerStateException>(() => Ledger.ReopenAsync(failed.CommandId, CancellationToken.None));
        await Assert.ThrowsAsync<LedgerStateException>(() => Ledger.ReopenAsync(succeeded.CommandId, CancellationToken.None));
        Assert.Equal(CommandState.Failed, (await Ledger.FindAsync(failed.CommandId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Rotations_AreListedNewestFirstPerClient()
    {
        var first = await RotateAsync("client-42", Start.AddHours(1));
        var third = await RotateAsync("client-42", Start.AddHours(3));
        var second = await RotateAsync("client-42", Start.AddHours(2));
        await RotateAsync("client-43", Start.AddHours(4));

        var list = await Ledger.ListRotationsAsync("7283910238471", "client-42", CancellationToken.None);
        var last = await Ledger.FindLastRotationAsync("7283910238471", "client-42", CancellationToken.None);

        Assert.Equal([third, second, first], list);
        Assert.Equal(third, last);
        Assert.Empty(await Ledger.ListRotationsAsync("999", "client-42", CancellationToken.None));
        Assert.Null(await Ledger.FindLastRotationAsync("7283910238471", "client-44", CancellationToken.None));
    }

    [Fact]
    public async Task Data_SurvivesARestartOfTheLedger()
    {
        var pending = await StorePendingAsync();
        var rotation = await RotateAsync("client-43", Start.AddHours(1));
        var restarted = OpenLedger(Protector, Time);

        await restarted.InitializeAsync(CancellationToken.None);

        Assert.Equal(CommandState.PendingDelivery, (await restarted.FindAsync(pending.CommandId, CancellationToken.None))!.State);
        Assert.Equal(SecretText, (await restarted.ReadPendingSecretAsync(pending.CommandId, CancellationToken.None))!.Secret.Reveal());
        Assert.Equal(rotation, await restarted.FindLastRotationAsync("7283910238471", "client-43", CancellationToken.None));
        await DisposeIfNeededAsync(restarted);
    }

    [Fact]
    public async Task Initialize_Again_IsHarmless()
    {
        var start = await BeginRotationAsync();

        await Ledger.InitializeAsync(CancellationToken.None);
        await Ledger.InitializeAsync(CancellationToken.None);

        Assert.NotNull(await Ledger.FindAsync(start.CommandId, CancellationToken.None));
    }

    [Fact]
    public async Task Initialize_OfASchemaVersionOneDatabase_MigratesWithoutLosingRows()
    {
        await RecreateStoreAtSchemaVersionAsync(1);
        var received = await Ledger.BeginAsync(Rotation(), CancellationToken.None);
        var rotated = await BeginRotationAsync("client-43");
        var rotation = RotationOf(rotated, Start.AddMinutes(1));
        await Ledger.CompleteRotationAsync(rotated.CommandId, rotation, new RecordedOutcome(true, "SecretRotated", "{}", false), CancellationToken.None);
        var rotatedRecord = await Ledger.FindAsync(rotated.CommandId, CancellationToken.None);
        // Precondition: the store really is at version 1 (no column for the rotate intent yet).
        await Assert.ThrowsAnyAsync<DbException>(() => Ledger.MarkRotatingAsync(received.CommandId, null, CancellationToken.None));
        Time.Advance(TimeSpan.FromMinutes(5));

        await Ledger.InitializeAsync(CancellationToken.None);

        Assert.Equal(received, await Ledger.FindAsync(received.CommandId, CancellationToken.None));
        Assert.Equal(rotatedRecord, await Ledger.FindAsync(rotated.CommandId, CancellationToken.None));
        Assert.Equal([rotation], await Ledger.ListRotationsAsync("7283910238471", "client-43", CancellationToken.None));
        Assert.Null(await Ledger.FindRotateInFlightUntilAsync("7283910238471", "client-43", CancellationToken.None));
        await Ledger.MarkRotatingAsync(received.CommandId, Time.GetUtcNow().AddMinutes(2), CancellationToken.None);
        Assert.Equal(Time.GetUtcNow().AddMinutes(2), await Ledger.FindRotateInFlightUntilAsync("7283910238471", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task Initialize_OfASchemaVersionThreeDatabase_MigratesWithoutLosingRows_ThenStoresFingerprints()
    {
        await RecreateStoreAtSchemaVersionAsync(3);
        var pending = await StorePendingAsync();
        var rotation = await RotateAsync("client-43", Start.AddMinutes(1));
        var run = Run(JobNames.GrantAudit, Start);
        await Jobs.RecordJobRunAsync(run, CancellationToken.None);
        Assert.True(await Jobs.TryRecordDueWarningAsync("7283910238471", "client-42", Today, CancellationToken.None));
        var findings = Enumerable.Range(0, 30).Select(i => Finding($"grant-{i:D2}")).ToList();
        await Jobs.RecordPublishedFindingsAsync(findings, CancellationToken.None);
        var pendingRecord = await Ledger.FindAsync(pending.CommandId, CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(5));

        await Ledger.InitializeAsync(CancellationToken.None);

        Assert.Equal(pendingRecord, await Ledger.FindAsync(pending.CommandId, CancellationToken.None));
        Assert.Null(pendingRecord!.Fingerprint);
        Assert.Equal(SecretText, (await Ledger.ReadPendingSecretAsync(pending.CommandId, CancellationToken.None))!.Secret.Reveal());
        Assert.Equal([rotation], await Ledger.ListRotationsAsync("7283910238471", "client-43", CancellationToken.None));
        Assert.Equal(rotation, await Ledger.FindLastRotationAsync("7283910238471", "client-43", CancellationToken.None));
        Assert.Equal([run], await Jobs.ListJobRunsAsync(JobNames.GrantAudit, 10, CancellationToken.None));
        Assert.False(await Jobs.TryRecordDueWarningAsync("7283910238471", "client-42", Today, CancellationToken.None));
        Assert.Equal(findings, await Jobs.ListPublishedFindingsAsync("7283910238471", "client-42", CancellationToken.None));
        var withPayload = Rotation() with { Fingerprint = "sha256:payload-3", ValidatedUser = "ops@example.com" };
        Assert.Equal("sha256:payload-3", (await Ledger.BeginAsync(withPayload, CancellationToken.None)).Fingerprint);
        Assert.Equal("ops@example.com", (await Ledger.FindAsync(withPayload.CommandId, CancellationToken.None))!.ValidatedUser);
    }

    [Fact]
    public async Task Initialize_OfASchemaVersionTwoDatabase_MigratesWithoutLosingRowsAndAddsTheJobTables()
    {
        await RecreateStoreAtSchemaVersionAsync(2);
        var pending = await StorePendingAsync();
        var rotation = await RotateAsync("client-43", Start.AddMinutes(1));
        var pendingRecord = await Ledger.FindAsync(pending.CommandId, CancellationToken.None);
        // Precondition: the store really is at version 2 (no job tables yet).
        await Assert.ThrowsAnyAsync<DbException>(() => Jobs.ListJobRunsAsync(JobNames.RotationSweep, 10, CancellationToken.None));
        Time.Advance(TimeSpan.FromMinutes(5));

        await Ledger.InitializeAsync(CancellationToken.None);

        Assert.Equal(pendingRecord, await Ledger.FindAsync(pending.CommandId, CancellationToken.None));
        Assert.Equal(SecretText, (await Ledger.ReadPendingSecretAsync(pending.CommandId, CancellationToken.None))!.Secret.Reveal());
        Assert.Equal([rotation], await Ledger.ListRotationsAsync("7283910238471", "client-43", CancellationToken.None));
        var run = Run(JobNames.RotationSweep, Start.AddMinutes(10));
        await Jobs.RecordJobRunAsync(run, CancellationToken.None);
        Assert.Equal([run], await Jobs.ListJobRunsAsync(JobNames.RotationSweep, 10, CancellationToken.None));
        Assert.True(await Jobs.TryRecordDueWarningAsync("7283910238471", "client-43", Today, CancellationToken.None));
        var finding = Finding("grant-1");
        await Jobs.RecordPublishedFindingsAsync([finding], CancellationToken.None);
        Assert.Equal([finding], await Jobs.ListPublishedFindingsAsync("7283910238471", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task JobRun_IsListedBackWithEveryField()
    {
        var run = new JobRunRecord(
            Guid.NewGuid(), JobNames.GrantAudit, "schedule", true, Start, Start.AddSeconds(1), Start.AddMinutes(3).AddMilliseconds(250),
            "worker-a", false, """{"deployments":2,"errors":1}""");

        await Jobs.RecordJobRunAsync(run, CancellationToken.None);

        Assert.Equal([run], await Jobs.ListJobRunsAsync(JobNames.GrantAudit, 10, CancellationToken.None));
    }

    [Fact]
    public async Task JobRun_ManualRunWithoutFireTime_KeepsScheduledFireAtNull()
    {
        var run = Run(JobNames.RotationSweep, Start) with { Trigger = "manual", ScheduledFireAt = null };

        await Jobs.RecordJobRunAsync(run, CancellationToken.None);

        var listed = Assert.Single(await Jobs.ListJobRunsAsync(JobNames.RotationSweep, 10, CancellationToken.None));
        Assert.Null(listed.ScheduledFireAt);
        Assert.Equal(run, listed);
    }

    [Fact]
    public async Task JobRun_RecordedAgainWithTheSameRunId_KeepsTheFirstRecord()
    {
        var run = Run(JobNames.RotationSweep, Start);
        await Jobs.RecordJobRunAsync(run, CancellationToken.None);

        await Jobs.RecordJobRunAsync(run with { Succeeded = false, SummaryJson = "{\"again\":true}" }, CancellationToken.None);

        Assert.Equal([run], await Jobs.ListJobRunsAsync(JobNames.RotationSweep, 10, CancellationToken.None));
    }

    [Fact]
    public async Task JobRuns_AreListedNewestStartFirst_UpToTheLimit()
    {
        var second = Run(JobNames.RotationSweep, Start.AddDays(1));
        var first = Run(JobNames.RotationSweep, Start);
        var fourth = Run(JobNames.RotationSweep, Start.AddDays(3));
        var third = Run(JobNames.RotationSweep, Start.AddDays(2));
        foreach (var run in new[] { second, first, fourth, third })
        {
            await Jobs.RecordJobRunAsync(run, CancellationToken.None);
        }

        Assert.Equal([fourth, third, second, first], await Jobs.ListJobRunsAsync(JobNames.RotationSweep, 10, CancellationToken.None));
        Assert.Equal([fourth, third], await Jobs.ListJobRunsAsync(JobNames.RotationSweep, 2, CancellationToken.None));
        Assert.Empty(await Jobs.ListJobRunsAsync(JobNames.RotationSweep, 0, CancellationToken.None));
    }

    [Fact]
    public async Task JobRuns_OfOtherJobs_AreNotListed()
    {
        var sweep = Run(JobNames.RotationSweep, Start);
        var audit = Run(JobNames.GrantAudit, Start.AddMinutes(1));
        await Jobs.RecordJobRunAsync(sweep, CancellationToken.None);
        await Jobs.RecordJobRunAsync(audit, CancellationToken.None);

        Assert.Equal([sweep], await Jobs.ListJobRunsAsync(JobNames.RotationSweep, 10, CancellationToken.None));
        Assert.Equal([audit], await Jobs.ListJobRunsAsync(JobNames.GrantAudit, 10, CancellationToken.None));
        Assert.Empty(await Jobs.ListJobRunsAsync("no-such-job", 10, CancellationToken.None));
    }

    [Fact]
    public async Task ListJobRuns_WithANegativeLimit_IsRejected()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Jobs.ListJobRunsAsync(JobNames.RotationSweep, -1, CancellationToken.None));
    }

    [Fact]
    public async Task DueWarning_FirstOfTheDay_IsRecorded()
    {
        Assert.True(await Jobs.TryRecordDueWarningAsync("7283910238471", "client-42", Today, CancellationToken.None));
    }

    [Fact]
    public async Task DueWarning_SecondOnSameDay_IsNotRecorded()
    {
        await Jobs.TryRecordDueWarningAsync("7283910238471", "client-42", Today, CancellationToken.None);
        Time.Advance(TimeSpan.FromHours(5));

        Assert.False(await Jobs.TryRecordDueWarningAsync("7283910238471", "client-42", Today, CancellationToken.None));
        Assert.False(await Jobs.TryRecordDueWarningAsync("7283910238471", "client-42", Today, CancellationToken.None));
    }

    [Fact]
    public async Task DueWarning_OnTheNextDay_IsRecordedAgainOnce()
    {
        await Jobs.TryRecordDueWarningAsync("7283910238471", "client-42", Today, CancellationToken.None);

        Assert.True(await Jobs.TryRecordDueWarningAsync("7283910238471", "client-42", Today.AddDays(1), CancellationToken.None));
        Assert.False(await Jobs.TryRecordDueWarningAsync("7283910238471", "client-42", Today.AddDays(1), CancellationToken.None));
        Assert.True(await Jobs.TryRecordDueWarningAsync("7283910238471", "client-42", Today.AddDays(7), CancellationToken.None));
    }

    [Fact]
    public async Task DueWarning_IsTrackedPerClientAndDeployment()
    {
        await Jobs.TryRecordDueWarningAsync("7283910238471", "client-42", Today, CancellationToken.None);

        Assert.True(await Jobs.TryRecordDueWarningAsync("7283910238471", "client-43", Today, CancellationToken.None));
        Assert.True(await Jobs.TryRecordDueWarningAsync("999", "client-42", Today, CancellationToken.None));
        Assert.False(await Jobs.TryRecordDueWarningAsync("7283910238471", "client-43", Today, CancellationToken.None));
        Assert.False(await Jobs.TryRecordDueWarningAsync("999", "client-42", Today, CancellationToken.None));
    }

    [Fact]
    public async Task DueWarning_ForADayBeforeTheLastWarning_IsNotRecorded()
    {
        // Only the latest warning day is kept: an instance whose clock lags behind does not warn again.
        await Jobs.TryRecordDueWarningAsync("7283910238471", "client-42", Today.AddDays(1), CancellationToken.None);

        Assert.False(await Jobs.TryRecordDueWarningAsync("7283910238471", "client-42", Today, CancellationToken.None));
        Assert.False(await Jobs.TryRecordDueWarningAsync("7283910238471", "client-42", Today.AddDays(1), CancellationToken.None));
    }

    [Fact]
    public async Task PublishedFindings_New_AreListedForTheirClient()
    {
        var archived = Finding("grant-1", kind: "archived-scopes");
        var stale = Finding("grant-1", kind: "stale-grant");
        var other = Finding("grant-2");

        await Jobs.RecordPublishedFindingsAsync([stale, other, archived], CancellationToken.None);

        Assert.Equal([archived, stale, other], await Jobs.ListPublishedFindingsAsync("7283910238471", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task PublishedFindings_RecordedAgain_UpdateTheHashAndTimeInPlace()
    {
        var unchanged = Finding("grant-1");
        var changed = Finding("grant-2");
        await Jobs.RecordPublishedFindingsAsync([unchanged, changed], CancellationToken.None);
        var republished = changed with { DetailHash = "sha256:new", LastPublishedAt = Start.AddDays(1) };

        await Jobs.RecordPublishedFindingsAsync([republished], CancellationToken.None);

        Assert.Equal([unchanged, republished], await Jobs.ListPublishedFindingsAsync("7283910238471", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task PublishedFindings_OfOtherClients_AreNotListed()
    {
        var mine = Finding("grant-1");
        var otherClient = Finding("grant-2", oauthClientId: "client-43");
        var otherDeployment = Finding("grant-3") with { DeploymentId = "999" };
        await Jobs.RecordPublishedFindingsAsync([mine, otherClient, otherDeployment], CancellationToken.None);

        Assert.Equal([mine], await Jobs.ListPublishedFindingsAsync("7283910238471", "client-42", CancellationToken.None));
        Assert.Equal([otherClient], await Jobs.ListPublishedFindingsAsync("7283910238471", "client-43", CancellationToken.None));
        Assert.Equal([otherDeployment], await Jobs.ListPublishedFindingsAsync("999", "client-42", CancellationToken.None));
        Assert.Empty(await Jobs.ListPublishedFindingsAsync("7283910238471", "client-44", CancellationToken.None));
    }

    [Fact]
    public async Task PublishedFindings_Forgotten_AreNotListedAnyMore_AndTheOthersStay()
    {
        var expired = Finding("grant-1");
        var archived = Finding("grant-1") with { Kind = "ScopeArchived" };
        var other = Finding("grant-2");
        var elsewhere = Finding("grant-1") with { DeploymentId = "999" };
        await Jobs.RecordPublishedFindingsAsync([expired, archived, other, elsewhere], CancellationToken.None);

        await Jobs.ForgetPublishedFindingsAsync("7283910238471", [("grant-1", expired.Kind), ("grant-9", expired.Kind)], CancellationToken.None);

        Assert.Equal([archived, other], await Jobs.ListPublishedFindingsAsync("7283910238471", "client-42", CancellationToken.None));
        Assert.Equal([elsewhere], await Jobs.ListPublishedFindingsAsync("999", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task PublishedFindings_ManyInOneCall_AreAllRecorded_TheLastOfADuplicateWinning()
    {
        var findings = Enumerable.Range(0, 500).Select(i => Finding($"grant-{i:D4}")).ToList();
        var duplicate = findings[7] with { DetailHash = "sha256:later", LastPublishedAt = Start.AddMinutes(1) };

        await Jobs.RecordPublishedFindingsAsync([.. findings, duplicate], CancellationToken.None);

        findings[7] = duplicate;
        Assert.Equal(findings, await Jobs.ListPublishedFindingsAsync("7283910238471", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task PublishedFindings_WithAnInvalidOne_RecordsNoneOfThem()
    {
        var valid = Finding("grant-1");

        await Assert.ThrowsAnyAsync<ArgumentException>(
            () => Jobs.RecordPublishedFindingsAsync([valid, Finding("grant-2") with { Kind = " " }], CancellationToken.None));

        Assert.Empty(await Jobs.ListPublishedFindingsAsync("7283910238471", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task PublishedFindings_ManyForgottenInOneCall_LeaveExactlyTheOthers()
    {
        var findings = Enumerable.Range(0, 300).Select(i => Finding($"grant-{i:D4}")).ToList();
        await Jobs.RecordPublishedFindingsAsync(findings, CancellationToken.None);
        var resolved = findings.Where((_, i) => i % 2 == 0).Select(static f => (f.GrantId, f.Kind)).Append(("grant-9999", "stale-grant")).ToList();

        await Jobs.ForgetPublishedFindingsAsync("7283910238471", resolved, CancellationToken.None);

        Assert.Equal(findings.Where((_, i) => i % 2 == 1), await Jobs.ListPublishedFindingsAsync("7283910238471", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task PublishedFindings_EmptyCall_RecordsNothing()
    {
        await Jobs.RecordPublishedFindingsAsync([], CancellationToken.None);

        Assert.Empty(await Jobs.ListPublishedFindingsAsync("7283910238471", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task JobData_SurvivesARestartOfTheLedger()
    {
        var run = Run(JobNames.GrantAudit, Start);
        var finding = Finding("grant-1");
        await Jobs.RecordJobRunAsync(run, CancellationToken.None);
        await Jobs.TryRecordDueWarningAsync("7283910238471", "client-42", Today, CancellationToken.None);
        await Jobs.RecordPublishedFindingsAsync([finding], CancellationToken.None);
        var restarted = OpenLedger(Protector, Time);

        await restarted.InitializeAsync(CancellationToken.None);

        var jobs = (IJobLedger)restarted;
        Assert.Equal([run], await jobs.ListJobRunsAsync(JobNames.GrantAudit, 10, CancellationToken.None));
        Assert.False(await jobs.TryRecordDueWarningAsync("7283910238471", "client-42", Today, CancellationToken.None));
        Assert.Equal([finding], await jobs.ListPublishedFindingsAsync("7283910238471", "client-42", CancellationToken.None));
        await DisposeIfNeededAsync(restarted);
    }

    [Fact]
    public async Task RecordIntent_FromReceived_StoresTheIntentCountsTheCallAndMovesToRotating()
    {
        var start = SigningKeyCommand();
        await Ledger.BeginAsync(start, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(3));

        await Ledger.RecordIntentAsync(start.CommandId, """{"previousKid":"oas-1-2"}""", CancellationToken.None);

        var record = await Ledger.FindAsync(start.CommandId, CancellationToken.None);
        Assert.Equal(CommandState.Rotating, record!.State);
        Assert.Equal(1, record.RotateCalls);
        Assert.Equal("""{"previousKid":"oas-1-2"}""", record.Intent);
        Assert.Equal(Start.AddSeconds(3), record.UpdatedAt);
    }

    [Fact]
    public async Task RecordIntent_Again_ReplacesTheIntentAndCountsAnotherCall()
    {
        var start = SigningKeyCommand();
        await Ledger.BeginAsync(start, CancellationToken.None);
        await Ledger.RecordIntentAsync(start.CommandId, "first", CancellationToken.None);

        await Ledger.RecordIntentAsync(start.CommandId, "second", CancellationToken.None);

        var record = await Ledger.FindAsync(start.CommandId, CancellationToken.None);
        Assert.Equal(("second", 2), (record!.Intent, record.RotateCalls));
    }

    [Fact]
    public async Task RecordIntent_OfATerminalOrUnknownCommand_IsRefused()
    {
        var start = SigningKeyCommand();
        await Ledger.BeginAsync(start, CancellationToken.None);
        await Ledger.CompleteAsync(start.CommandId, new RecordedOutcome(false, "SigningKeyRotationFailed", "{}", false), CancellationToken.None);

        await Assert.ThrowsAsync<LedgerStateException>(() => Ledger.RecordIntentAsync(start.CommandId, "x", CancellationToken.None));
        await Assert.ThrowsAsync<LedgerStateException>(() => Ledger.RecordIntentAsync(Guid.NewGuid(), "x", CancellationToken.None));
        Assert.Null((await Ledger.FindAsync(start.CommandId, CancellationToken.None))!.Intent);
    }

    [Fact]
    public async Task RecordIntent_IsKeptThroughAReopen()
    {
        var start = SigningKeyCommand();
        await Ledger.BeginAsync(start, CancellationToken.None);
        await Ledger.RecordIntentAsync(start.CommandId, "intent", CancellationToken.None);
        await Ledger.CompleteAsync(start.CommandId, new RecordedOutcome(false, "SigningKeyRotationFailed", "{}", true), CancellationToken.None);

        var reopened = await Ledger.ReopenAsync(start.CommandId, CancellationToken.None);

        Assert.Equal((CommandState.Received, "intent", 1), (reopened.State, reopened.Intent, reopened.RotateCalls));
    }

    [Fact]
    public async Task RecordIntent_OfASigningKeyCommand_IsNotARotateIntentOfAnyClient()
    {
        var start = SigningKeyCommand() with { TargetId = "client-42" };
        await Ledger.BeginAsync(start, CancellationToken.None);

        await Ledger.RecordIntentAsync(start.CommandId, "intent", CancellationToken.None);

        Assert.Null(await Ledger.FindRotateInFlightUntilAsync("7283910238471", "client-42", CancellationToken.None));
    }

    [Fact]
    public async Task CompleteSigningKeyChange_RecordsTheOutcomeAndAppendsHistory_NewestFirstPerApp()
    {
        var older = await CompleteSigningKeyChangeAsync(SigningKeyChange.Rotate, "oas-1-3", "oas-1-2", Start.AddMinutes(1));
        var other = await CompleteSigningKeyChangeAsync(SigningKeyChange.Rotate, "oas-9-3", "oas-9-2", Start.AddMinutes(2), app: "other");
        var newer = await CompleteSigningKeyChangeAsync(SigningKeyChange.Compromise, "oas-1-3", null, Start.AddMinutes(3), activeKid: "oas-1-4");

        var record = await Ledger.FindAsync(newer.CommandId, CancellationToken.None);
        Assert.Equal(CommandState.Succeeded, record!.State);
        Assert.Equal("SigningKeyCompromised", record.Outcome!.MessageType);
        Assert.Equal([newer, older], await Ledger.ListSigningKeyChangesAsync("7283910238471", "billing", CancellationToken.None));
        Assert.Equal([other], await Ledger.ListSigningKeyChangesAsync("7283910238471", "other", CancellationToken.None));
        Assert.Empty(await Ledger.ListSigningKeyChangesAsync("5550001112223", "billing", CancellationToken.None));
    }

    [Fact]
    public async Task CompleteSigningKeyChange_OfACompletedCommand_IsRefusedAndAddsNoHistory()
    {
        var change = await CompleteSigningKeyChangeAsync(SigningKeyChange.Rotate, "oas-1-3", "oas-1-2", Start);

        await Assert.ThrowsAsync<LedgerStateException>(() => Ledger.CompleteSigningKeyChangeAsync(
            change.CommandId, change with { Kid = "oas-1-9" }, new RecordedOutcome(true, "SigningKeyRotated", "{}", false), CancellationToken.None));

        Assert.Equal([change], await Ledger.ListSigningKeyChangesAsync("7283910238471", "billing", CancellationToken.None));
    }

    [Fact]
    public async Task CompleteSigningKeyChange_OfAnotherCommandOrAFailure_IsRejected()
    {
        var start = SigningKeyCommand();
        await Ledger.BeginAsync(start, CancellationToken.None);
        var change = ChangeOf(start, SigningKeyChange.Rotate, "oas-1-3", "oas-1-2", "oas-1-3", Start);
        var success = new RecordedOutcome(true, "SigningKeyRotated", "{}", false);

        await Assert.ThrowsAsync<ArgumentException>(() => Ledger.CompleteSigningKeyChangeAsync(Guid.NewGuid(), change, success, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Ledger.CompleteSigningKeyChangeAsync(start.CommandId, change, success with { Succeeded = false }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Ledger.CompleteSigningKeyChangeAsync(start.CommandId, change with { Kind = "retire" }, success, CancellationToken.None));

        Assert.Equal(CommandState.Received, (await Ledger.FindAsync(start.CommandId, CancellationToken.None))!.State);
        Assert.Empty(await Ledger.ListSigningKeyChangesAsync("7283910238471", "billing", CancellationToken.None));
    }

    [Fact]
    public async Task SigningKeySighting_FirstOfAnApp_HasNoBound()
    {
        var sighting = await Jobs.RecordSigningKeySightingAsync("7283910238471", "billing", "oas-1-2", Start, CancellationToken.None);

        Assert.Equal(new SigningKeySighting("7283910238471", "billing", "oas-1-2", Start, Start, null), sighting);
        Assert.Equal(sighting, await Jobs.FindSigningKeySightingAsync("7283910238471", "billing", CancellationToken.None));
        Assert.Null(await Jobs.FindSigningKeySightingAsync("7283910238471", "other", CancellationToken.None));
    }

    [Fact]
    public async Task SigningKeySighting_SameKeyAgain_KeepsItsFirstSightingAndBound_AndMovesLastSeen()
    {
        await Jobs.RecordSigningKeySightingAsync("7283910238471", "billing", "oas-1-2", Start, CancellationToken.None);
        await Jobs.RecordSigningKeySightingAsync("7283910238471", "billing", "oas-1-3", Start.AddDays(1), CancellationToken.None);

        var again = await Jobs.RecordSigningKeySightingAsync("7283910238471", "billing", "oas-1-3", Start.AddDays(2), CancellationToken.None);

        Assert.Equal(new SigningKeySighting("7283910238471", "billing", "oas-1-3", Start.AddDays(1), Start.AddDays(2), Start), again);
    }

    [Fact]
    public async Task SigningKeySighting_AnotherKey_IsBoundedByTheLastTimeThePreviousOneWasSeen()
    {
        await Jobs.RecordSigningKeySightingAsync("7283910238471", "billing", "oas-1-2", Start, CancellationToken.None);
        await Jobs.RecordSigningKeySightingAsync("7283910238471", "billing", "oas-1-2", Start.AddDays(1), CancellationToken.None);

        var changed = await Jobs.RecordSigningKeySightingAsync("7283910238471", "billing", "oas-1-3", Start.AddDays(2), CancellationToken.None);

        Assert.Equal(new SigningKeySighting("7283910238471", "billing", "oas-1-3", Start.AddDays(2), Start.AddDays(2), Start.AddDays(1)), changed);
        Assert.Equal(
            SigningKeySighting.Next(new SigningKeySighting("7283910238471", "billing", "oas-1-2", Start, Start.AddDays(1), null), "7283910238471", "billing", "oas-1-3", Start.AddDays(2)),
            changed);
    }

    [Fact]
    public async Task SigningKeyDueWarning_IsRecordedOncePerAppAndDay()
    {
        Assert.True(await Jobs.TryRecordSigningKeyDueWarningAsync("7283910238471", "billing", Today, CancellationToken.None));
        Assert.False(await Jobs.TryRecordSigningKeyDueWarningAsync("7283910238471", "billing", Today, CancellationToken.None));
        Assert.True(await Jobs.TryRecordSigningKeyDueWarningAsync("7283910238471", "other", Today, CancellationToken.None));
        Assert.False(await Jobs.TryRecordSigningKeyDueWarningAsync("7283910238471", "billing", Today.AddDays(-1), CancellationToken.None));
        Assert.True(await Jobs.TryRecordSigningKeyDueWarningAsync("7283910238471", "billing", Today.AddDays(1), CancellationToken.None));
        // Independent of the clients' warnings, even for a client id that spells like the slug.
        Assert.True(await Jobs.TryRecordDueWarningAsync("7283910238471", "billing", Today, CancellationToken.None));
    }

    [Fact]
    public async Task Initialize_OfASchemaVersionSixDatabase_MigratesWithoutLosingRows_ThenStoresSigningKeyData()
    {
        await RecreateStoreAtSchemaVersionAsync(6);
        var pending = await StorePendingAsync();
        var withPayload = Rotation() with { Fingerprint = "sha256:payload-6", ValidatedUser = "ops@example.com" };
        await Ledger.BeginAsync(withPayload, CancellationToken.None);
        var pendingRecord = await Ledger.FindAsync(pending.CommandId, CancellationToken.None);
        var payloadRecord = await Ledger.FindAsync(withPayload.CommandId, CancellationToken.None);
        // Precondition: the store really is at version 6 (main's rotation routing; no signing-key tables yet).
        await Assert.ThrowsAnyAsync<DbException>(() => Ledger.ListSigningKeyChangesAsync("7283910238471", "billing", CancellationToken.None));
        Time.Advance(TimeSpan.FromMinutes(5));

        await Ledger.InitializeAsync(CancellationToken.None);

        Assert.Equal(pendingRecord, await Ledger.FindAsync(pending.CommandId, CancellationToken.None));
        Assert.Equal(payloadRecord, await Ledger.FindAsync(withPayload.CommandId, CancellationToken.None));
        Assert.Null(payloadRecord!.Intent);
        Assert.Equal(SecretText, (await Ledger.ReadPendingSecretAsync(pending.CommandId, CancellationToken.None))!.Secret.Reveal());
        var change = await CompleteSigningKeyChangeAsync(SigningKeyChange.Rotate, "oas-1-3", "oas-1-2", Start);
        Assert.Equal([change], await Ledger.ListSigningKeyChangesAsync("7283910238471", "billing", CancellationToken.None));
        Assert.NotNull((await Ledger.FindAsync(change.CommandId, CancellationToken.None))!.Intent);
        Assert.True(await Jobs.TryRecordSigningKeyDueWarningAsync("7283910238471", "billing", Today, CancellationToken.None));
    }

    [Fact]
    public async Task SigningKeyData_SurvivesARestartOfTheLedger()
    {
        var change = await CompleteSigningKeyChangeAsync(SigningKeyChange.Rotate, "oas-1-3", "oas-1-2", Start);
        var sighting = await Jobs.RecordSigningKeySightingAsync("7283910238471", "billing", "oas-1-3", Start, CancellationToken.None);
        await Jobs.TryRecordSigningKeyDueWarningAsync("7283910238471", "billing", Today, CancellationToken.None);
        var restarted = OpenLedger(Protector, Time);
        await restarted.InitializeAsync(CancellationToken.None);

        var jobs = (IJobLedger)restarted;
        Assert.Equal([change], await restarted.ListSigningKeyChangesAsync("7283910238471", "billing", CancellationToken.None));
        Assert.Equal(sighting, await jobs.FindSigningKeySightingAsync("7283910238471", "billing", CancellationToken.None));
        Assert.False(await jobs.TryRecordSigningKeyDueWarningAsync("7283910238471", "billing", Today, CancellationToken.None));
        await DisposeIfNeededAsync(restarted);
    }

    /// <summary>A signing-key command (app level: no target).</summary>
    protected static CommandStart SigningKeyCommand(string app = "billing") =>
        new(Guid.NewGuid(), "rotate-signing-key", "7283910238471", app, null, "command", "ops@example.com", "key hygiene");

    private async Task<SigningKeyChange> CompleteSigningKeyChangeAsync(
        string kind, string kid, string? previousKid, DateTimeOffset changedAt, string app = "billing", string? activeKid = null)
    {
        var start = SigningKeyCommand(app);
        await Ledger.BeginAsync(start, CancellationToken.None);
        await Ledger.RecordIntentAsync(start.CommandId, "{}", CancellationToken.None);
        var change = ChangeOf(start, kind, kid, previousKid, activeKid ?? kid, changedAt);
        var type = kind == SigningKeyChange.Rotate ? "SigningKeyRotated" : "SigningKeyCompromised";
        await Ledger.CompleteSigningKeyChangeAsync(start.CommandId, change, new RecordedOutcome(true, type, "{}", false), CancellationToken.None);
        return change;
    }

    private static SigningKeyChange ChangeOf(CommandStart start, string kind, string kid, string? previousKid, string? activeKid, DateTimeOffset changedAt) =>
        new(start.CommandId, start.DeploymentId, start.AppSlug, kind, kid, previousKid, activeKid, changedAt, start.Trigger, start.RequestedBy, start.Reason);

    protected static CommandStart Rotation(string oauthClientId = "client-42") =>
        new(Guid.NewGuid(), "rotate-secret", "7283910238471", "billing", oauthClientId, "schedule", "ops@example.com", "quarterly");

    protected static PendingSecret Pending() => new("oc_Y2xpZW50LTQy", new ClientSecret(SecretText), Start.AddSeconds(1));

    /// <summary>The UTC day of <see cref="Start"/>.</summary>
    protected static DateOnly Today => DateOnly.FromDateTime(Start.UtcDateTime);

    /// <summary>A scheduled, successful run of <paramref name="job"/> that started at <paramref name="startedAt"/>.</summary>
    protected static JobRunRecord Run(string job, DateTimeOffset startedAt) =>
        new(Guid.NewGuid(), job, "schedule", false, startedAt, startedAt.AddMilliseconds(1), startedAt.AddSeconds(42), "worker-a", true,
            """{"clients":3}""");

    protected static PublishedFinding Finding(string grantId, string oauthClientId = "client-42", string kind = "stale-grant") =>
        new("7283910238471", oauthClientId, grantId, kind, "sha256:" + grantId, Start);

    protected async Task<CommandStart> BeginRotationAsync(string oauthClientId = "client-42")
    {
        var start = Rotation(oauthClientId);
        await Ledger.BeginAsync(start, CancellationToken.None);
        return start;
    }

    protected async Task<CommandStart> StorePendingAsync(string oauthClientId = "client-42")
    {
        var start = await BeginRotationAsync(oauthClientId);
        await Ledger.MarkRotatingAsync(start.CommandId, null, CancellationToken.None);
        await Ledger.StorePendingSecretAsync(start.CommandId, Pending(), CancellationToken.None);
        return start;
    }

    private async Task<RotationRecord> RotateAsync(string oauthClientId, DateTimeOffset rotatedAt)
    {
        var start = await StorePendingAsync(oauthClientId);
        var rotation = RotationOf(start, rotatedAt);
        await Ledger.CompleteRotationAsync(start.CommandId, rotation, new RecordedOutcome(true, "SecretRotated", "{}", false), CancellationToken.None);
        return rotation;
    }

    /// <summary>Replaces the test's store with a fresh one migrated only up to <paramref name="version"/>.</summary>
    private async Task RecreateStoreAtSchemaVersionAsync(int version)
    {
        await DisposeIfNeededAsync(Ledger);
        await DeleteStoreAsync();
        await CreateStoreAsync();
        _ledger = OpenLedger(Protector, Time);
        await (_ledger is SqlLedger sql
            ? sql.InitializeAsync(version, CancellationToken.None)
            : throw new NotSupportedException($"No partial migration for {_ledger.GetType().Name}."));
    }

    private static RotationRecord RotationOf(CommandStart start, DateTimeOffset rotatedAt) =>
        new(start.CommandId, start.DeploymentId, start.AppSlug, start.TargetId!, "oc_Y2xpZW50LTQy", rotatedAt, start.Trigger,
            start.RequestedBy, start.Reason, "file", $"{start.DeploymentId}/{start.AppSlug}/oc_Y2xpZW50LTQy.json",
            new ClientSecret(SecretText).Fingerprint);

    private static async Task DisposeIfNeededAsync(ICommandLedger ledger)
    {
        if (ledger is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}
