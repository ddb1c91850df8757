using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;
using Wacht.Worker.Tests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Consumers;

/// <summary>CompromiseSigningKey through the real pipeline on the harness, against the emulator.</summary>
public sealed class CompromiseSigningKeyConsumerTests
{
    private const string CompromiseOperation = "compromiseOAuthAppSigningKey";

    private static CompromiseSigningKey Command(string kid) => new()
    {
        CommandId = Guid.NewGuid(),
        DeploymentId = WachtWorld.Deployment,
        AppSlug = WachtWorld.AppSlug,
        Kid = kid,
        RequestedBy = "incident-42",
        Reason = "private key leaked in a build log",
    };

    private static int Calls(HarnessWorld h) => RotateSigningKeyConsumerTests.Calls(h, CompromiseOperation);

    /// <summary>Every key of the app as the emulator holds it, compromised ones included.</summary>
    private static IReadOnlyList<EmulatorSigningKey> AllKeys(HarnessWorld h) =>
        h.World.Emulator.State.GetSigningKeys(WachtWorld.Deployment, WachtWorld.AppSlug);

    [Fact]
    public async Task Compromise_ActiveKey_UnpublishesIt_AndNamesTheNewActiveKey()
    {
        await using var h = await HarnessWorld.StartAsync();
        var active = await RotateSigningKeyConsumerTests.ActiveKeyAsync(h);
        var command = Command(active.Kid);

        var compromised = Assert.IsType<SigningKeyCompromised>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal((active.Kid, "active", false, 1), (compromised.Kid, compromised.PreviousStatus, compromised.AlreadyCompromised, compromised.CompromiseCalls));
        var listed = await h.World.Wacht.ListOAuthAppSigningKeysAsync(WachtWorld.AppSlug);
        Assert.DoesNotContain(listed, k => k.Kid == active.Kid);
        Assert.Equal(listed.Single(k => k.Status == "active").Kid, compromised.ActiveKid);
        Assert.NotEqual(active.Kid, compromised.ActiveKid);
        Assert.Equal("compromised", AllKeys(h).Single(k => k.Kid == active.Kid).Status);
        Assert.Equal(1, Calls(h));
        var change = Assert.Single(await h.Services.GetRequiredService<ICommandLedger>().ListSigningKeyChangesAsync(WachtWorld.Deployment, WachtWorld.AppSlug, CancellationToken.None));
        Assert.Equal((SigningKeyChange.Compromise, active.Kid, compromised.ActiveKid), (change.Kind, change.Kid, change.ActiveKid));
    }

    [Fact]
    public async Task Compromise_RetiredKey_UnpublishesIt_AndKeepsTheActiveKey()
    {
        await using var h = await HarnessWorld.StartAsync();
        var retired = await RotateSigningKeyConsumerTests.ActiveKeyAsync(h);
        await h.World.Wacht.RotateOAuthAppSigningKeyAsync(WachtWorld.AppSlug);
        var active = await RotateSigningKeyConsumerTests.ActiveKeyAsync(h);
        var command = Command(retired.Kid);

        var compromised = Assert.IsType<SigningKeyCompromised>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(("retired", active.Kid), (compromised.PreviousStatus, compromised.ActiveKid));
        Assert.Equal([(active.Kid, "active")], (await h.World.Wacht.ListOAuthAppSigningKeysAsync(WachtWorld.AppSlug)).Select(k => (k.Kid, k.Status)));
    }

    [Fact]
    public async Task Compromise_DuplicateCommandId_CallsOnce_AndAnswersWithTheSameEvent()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = Command((await RotateSigningKeyConsumerTests.ActiveKeyAsync(h)).Kid);

        var first = Assert.IsType<SigningKeyCompromised>(await h.ExecuteAsync(command, command.CommandId));
        var response = await h.Harness.GetRequestClient<CompromiseSigningKey>().GetResponse<SigningKeyCompromised, SigningKeyCompromiseFailed>(command);

        Assert.True(response.Is(out Response<SigningKeyCompromised>? replayed));
        Assert.Equal(first, replayed.Message);
        Assert.Equal(1, Calls(h));
    }

    [Fact]
    public async Task Compromise_ReusingTheIdForAnotherKid_IsRefusedWithCommandIdConflict()
    {
        await using var h = await HarnessWorld.StartAsync();
        var active = await RotateSigningKeyConsumerTests.ActiveKeyAsync(h);
        var command = Command(active.Kid);
        Assert.IsType<SigningKeyCompromised>(await h.ExecuteAsync(command, command.CommandId));
        var other = await RotateSigningKeyConsumerTests.ActiveKeyAsync(h);

        var conflicting = command with { Kid = other.Kid };
        var failed = Assert.IsType<SigningKeyCompromiseFailed>(await h.ExecuteAsync(conflicting, conflicting.CommandId));

        Assert.Equal(ErrorCodes.CommandIdConflict, failed.ErrorCode);
        Assert.Equal(1, Calls(h));
        Assert.Equal("active", AllKeys(h).Single(k => k.Kid == other.Kid).Status);
    }

    [Fact]
    public async Task Compromise_AKeyThisWorkerCompromisedBefore_SucceedsWithAlreadyCompromised_WithoutCallingWacht()
    {
        await using var h = await HarnessWorld.StartAsync();
        var kid = (await RotateSigningKeyConsumerTests.ActiveKeyAsync(h)).Kid;
        var first = Command(kid);
        var earlier = Assert.IsType<SigningKeyCompromised>(await h.ExecuteAsync(first, first.CommandId));

        var second = Command(kid);
        var again = Assert.IsType<SigningKeyCompromised>(await h.ExecuteAsync(second, second.CommandId));

        Assert.True(again.AlreadyCompromised);
        Assert.Equal((0, (string?)null, earlier.ActiveKid), (again.CompromiseCalls, again.PreviousStatus, again.ActiveKid));
        Assert.Equal(1, Calls(h));
        Assert.Single(await h.Services.GetRequiredService<ICommandLedger>().ListSigningKeyChangesAsync(WachtWorld.Deployment, WachtWorld.AppSlug, CancellationToken.None));
    }

    [Fact]
    public async Task Compromise_AKidThatIsNotListed_AndThisWorkerNeverCompromised_IsNotFound_AndNamesTheListedKeys()
    {
        await using var h = await HarnessWorld.StartAsync();
        var active = await RotateSigningKeyConsumerTests.ActiveKeyAsync(h);
        var command = Command("oas-1-999999");

        var failed = Assert.IsType<SigningKeyCompromiseFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.NotFound, failed.ErrorCode);
        Assert.False(failed.Retryable);
        Assert.False(failed.CompromiseMayHaveBeenCalled);
        Assert.Contains("oas-1-999999", failed.Message, StringComparison.Ordinal);
        Assert.Contains($"{active.Kid} (active)", failed.Message, StringComparison.Ordinal);
        Assert.Equal(0, Calls(h));
    }

    [Fact]
    public async Task Compromise_AKeyCompromisedOutsideTheWorker_IsNotFound_SinceNothingTellsItFromAMistypedKid()
    {
        await using var h = await HarnessWorld.StartAsync();
        var kid = (await RotateSigningKeyConsumerTests.ActiveKeyAsync(h)).Kid;
        await h.World.Wacht.CompromiseOAuthAppSigningKeyAsync(WachtWorld.AppSlug, kid);
        var command = Command(kid);

        var failed = Assert.IsType<SigningKeyCompromiseFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.NotFound, failed.ErrorCode);
        Assert.Contains("compromised elsewhere", failed.Message, StringComparison.Ordinal);
        Assert.Equal(1, Calls(h));
    }

    [Fact]
    public async Task Compromise_LostResponse_DoesNotCallAgain_AndSucceedsFromTheReadBack()
    {
        await using var h = await HarnessWorld.StartAsync();
        var kid = (await RotateSigningKeyConsumerTests.ActiveKeyAsync(h)).Kid;
        h.World.Emulator.Faults.Add(new FaultRule { Operation = CompromiseOperation, LoseResponse = true, Remaining = 1 });
        var command = Command(kid);

        var compromised = Assert.IsType<SigningKeyCompromised>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal((false, "active", 1), (compromised.AlreadyCompromised, compromised.PreviousStatus, compromised.CompromiseCalls));
        Assert.Equal(1, Calls(h));
        Assert.Equal("compromised", AllKeys(h).Single(k => k.Kid == kid).Status);
        Assert.Equal(1, AllKeys(h).Count(k => k.Status == "active"));
    }

    [Fact]
    public async Task Compromise_LostResponseWithoutRetryBudget_FailsSayingTheCallMayHaveTakenEffect_AndTheRedriveSucceedsWithoutCallingAgain()
    {
        await using var h = await HarnessWorld.StartAsync(s => s["Worker:Messaging:Retry:Limit"] = "0");
        var kid = (await RotateSigningKeyConsumerTests.ActiveKeyAsync(h)).Kid;
        h.World.Emulator.Faults.Add(new FaultRule { Operation = CompromiseOperation, LoseResponse = true, Remaining = 1 });
        var command = Command(kid);

        var failed = Assert.IsType<SigningKeyCompromiseFailed>(await h.ExecuteAsync(command, command.CommandId));
        Assert.Equal(ErrorCodes.WachtUnavailable, failed.ErrorCode);
        Assert.True(failed.Retryable);
        Assert.True(failed.CompromiseMayHaveBeenCalled);

        var compromised = Assert.IsType<SigningKeyCompromised>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal((false, "active", 1), (compromised.AlreadyCompromised, compromised.PreviousStatus, compromised.CompromiseCalls));
        Assert.Equal(1, Calls(h));
    }

    [Fact]
    public async Task Compromise_CallThatDidNotTakeEffect_IsMadeAgain()
    {
        await using var h = await HarnessWorld.StartAsync();
        var kid = (await RotateSigningKeyConsumerTests.ActiveKeyAsync(h)).Kid;
        h.World.Emulator.Faults.Add(new FaultRule { Operation = CompromiseOperation, ErrorStatus = 502, Remaining = 1 });
        var command = Command(kid);

        var compromised = Assert.IsType<SigningKeyCompromised>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(2, compromised.CompromiseCalls);
        Assert.Equal(2, Calls(h));
        Assert.Equal("compromised", AllKeys(h).Single(k => k.Kid == kid).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("oas-1/2")]
    [InlineData("oas-1-2?x=1")]
    [InlineData("oas%2F1")]
    [InlineData("k\u001b[2J")]
    public async Task Compromise_KidThatIsNotAKeyId_IsInvalid_AndCallsNothing(string kid)
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = Command(kid);

        var failed = Assert.IsType<SigningKeyCompromiseFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.InvalidCommand, failed.ErrorCode);
        Assert.Equal("Kid", Assert.Single(failed.FieldErrors).Field);
        Assert.DoesNotContain('\u001b', failed.Message);
        Assert.Equal(0, h.World.Emulator.Calls.Count("*"));
    }

    [Fact]
    public async Task Compromise_OverlongKid_IsInvalid_AndEchoedOnlyAsAnExcerpt()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = Command(new string('k', 100_000));

        var failed = Assert.IsType<SigningKeyCompromiseFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.InvalidCommand, failed.ErrorCode);
        Assert.True(failed.Kid.Length < 200, $"Kid echoed with {failed.Kid.Length} characters");
        Assert.True(failed.Message.Length < 1000, $"Message with {failed.Message.Length} characters");
        Assert.Contains("truncated, 100000 chars", failed.Kid, StringComparison.Ordinal);
    }
}
