using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Wacht.Client;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;
using Wacht.Worker.Tests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Consumers;

/// <summary>RotateSigningKey through the real pipeline on the harness, against the emulator.</summary>
public sealed class RotateSigningKeyConsumerTests
{
    internal const string RotateOperation = "rotateOAuthAppSigningKey";

    private static RotateSigningKey Command(string appSlug = WachtWorld.AppSlug) => new()
    {
        CommandId = Guid.NewGuid(),
        DeploymentId = WachtWorld.Deployment,
        AppSlug = appSlug,
        RequestedBy = "security-team",
        Reason = "key hygiene",
    };

    internal static async Task<SigningKey> ActiveKeyAsync(HarnessWorld h) =>
        (await h.World.Wacht.ListOAuthAppSigningKeysAsync(WachtWorld.AppSlug)).Single(k => k.Status == "active");

    internal static int Calls(HarnessWorld h, string operation) => h.World.Emulator.Calls.Count(operation, WachtWorld.Deployment);

    [Fact]
    public async Task Rotate_RetiresTheActiveKey_AndPublishesTheNewAndThePreviousKid()
    {
        await using var h = await HarnessWorld.StartAsync();
        var before = await ActiveKeyAsync(h);
        var command = Command();

        var rotated = Assert.IsType<SigningKeyRotated>(await h.ExecuteAsync(command, command.CommandId));

        var keys = await h.World.Wacht.ListOAuthAppSigningKeysAsync(WachtWorld.AppSlug);
        var active = Assert.Single(keys, k => k.Status == "active");
        Assert.Equal(active.Kid, rotated.Kid);
        Assert.NotEqual(before.Kid, rotated.Kid);
        Assert.Equal(before.Kid, rotated.PreviousKid);
        Assert.Equal("retired", keys.Single(k => k.Kid == before.Kid).Status);
        Assert.Equal(active.Algorithm, rotated.Algorithm);
        Assert.Equal((1, 1), (rotated.RotateCalls, Calls(h, RotateOperation)));
        Assert.Equal(("security-team", "key hygiene", CommandTriggers.Command), (rotated.RequestedBy, rotated.Reason, rotated.Trigger));
        var ledger = h.Services.GetRequiredService<ICommandLedger>();
        var change = Assert.Single(await ledger.ListSigningKeyChangesAsync(WachtWorld.Deployment, WachtWorld.AppSlug, CancellationToken.None));
        Assert.Equal((command.CommandId, SigningKeyChange.Rotate, rotated.Kid, before.Kid, rotated.Kid), (change.CommandId, change.Kind, change.Kid, change.PreviousKid, change.ActiveKid));
        Assert.True(change.ChangedAt <= rotated.RotatedAt);
        Assert.Equal(CommandState.Succeeded, (await ledger.FindAsync(command.CommandId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Rotate_DuplicateCommandId_RotatesOnce_AndAnswersWithTheSameEvent()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = Command();

        var first = Assert.IsType<SigningKeyRotated>(await h.ExecuteAsync(command, command.CommandId));
        var response = await h.Harness.GetRequestClient<RotateSigningKey>().GetResponse<SigningKeyRotated, SigningKeyRotationFailed>(command);

        Assert.True(response.Is(out Response<SigningKeyRotated>? replayed));
        Assert.Equal(first, replayed.Message);
        Assert.Equal(1, Calls(h, RotateOperation));
        Assert.Equal(first.Kid, (await ActiveKeyAsync(h)).Kid);
    }

    [Fact]
    public async Task Rotate_ReusingTheIdForAnotherApp_IsRefusedWithCommandIdConflict_AndRotatesNothing()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = Command();
        Assert.IsType<SigningKeyRotated>(await h.ExecuteAsync(command, command.CommandId));

        var conflicting = Command("another-app") with { CommandId = command.CommandId };
        var failed = Assert.IsType<SigningKeyRotationFailed>(await h.ExecuteAsync(conflicting, conflicting.CommandId));

        Assert.Equal(ErrorCodes.CommandIdConflict, failed.ErrorCode);
        Assert.False(failed.Retryable);
        Assert.Equal("CommandId", Assert.Single(failed.FieldErrors).Field);
        Assert.Equal(1, Calls(h, RotateOperation));
    }

    [Fact]
    public async Task Rotate_ReusingTheIdOfASecretRotation_IsRefusedWithCommandIdConflict()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var secret = new RotateSecret { CommandId = Guid.NewGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };
        Assert.IsType<SecretRotated>(await h.ExecuteAsync(secret, secret.CommandId));

        var command = Command() with { CommandId = secret.CommandId };
        var failed = Assert.IsType<SigningKeyRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.CommandIdConflict, failed.ErrorCode);
        Assert.Contains("rotate-secret", failed.Message, StringComparison.Ordinal);
        Assert.Equal(0, Calls(h, RotateOperation));
    }

    [Fact]
    public async Task Rotate_LostResponse_ReadsTheKeysBack_AndDoesNotRotateAgain()
    {
        await using var h = await HarnessWorld.StartAsync();
        var before = await ActiveKeyAsync(h);
        h.World.Emulator.Faults.Add(new FaultRule { Operation = RotateOperation, LoseResponse = true, Remaining = 1 });
        var command = Command();

        var rotated = Assert.IsType<SigningKeyRotated>(await h.ExecuteAsync(command, command.CommandId));

        // The one call took effect (its answer was lost); the retry saw the recorded key retired and did not call again.
        Assert.Equal(1, Calls(h, RotateOperation));
        Assert.Equal(1, rotated.RotateCalls);
        Assert.Equal(before.Kid, rotated.PreviousKid);
        var keys = await h.World.Wacht.ListOAuthAppSigningKeysAsync(WachtWorld.AppSlug);
        Assert.Equal([(rotated.Kid, "active"), (before.Kid, "retired")], keys.Select(k => (k.Kid, k.Status)));
        Assert.Contains(h.Logs.Entries, e => e.Contains("took effect", StringComparison.Ordinal) && e.Contains("Not rotating again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rotate_CallThatDidNotTakeEffect_IsMadeAgain()
    {
        await using var h = await HarnessWorld.StartAsync();
        var before = await ActiveKeyAsync(h);
        // A 503 to a call that is not idempotent is an unknown outcome for the client; the emulator did not execute it.
        h.World.Emulator.Faults.Add(new FaultRule { Operation = RotateOperation, ErrorStatus = 503, Remaining = 1 });
        var command = Command();

        var rotated = Assert.IsType<SigningKeyRotated>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(2, Calls(h, RotateOperation));
        Assert.Equal(2, rotated.RotateCalls);
        Assert.Equal(before.Kid, rotated.PreviousKid);
        var keys = await h.World.Wacht.ListOAuthAppSigningKeysAsync(WachtWorld.AppSlug);
        Assert.Equal([(rotated.Kid, "active"), (before.Kid, "retired")], keys.Select(k => (k.Kid, k.Status)));
    }

    [Fact]
    public async Task Rotate_LostResponseWithoutRetryBudget_FailsSayingTheCallMayHaveTakenEffect_AndTheRedriveCompletesWithoutRotatingAgain()
    {
        await using var h = await HarnessWorld.StartAsync(s => s["Worker:Messaging:Retry:Limit"] = "0");
        var before = await ActiveKeyAsync(h);
        h.World.Emulator.Faults.Add(new FaultRule { Operation = RotateOperation, LoseResponse = true, Remaining = 1 });
        var command = Command();

        var failed = Assert.IsType<SigningKeyRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.WachtUnavailable, failed.ErrorCode);
        Assert.True(failed.Retryable);
        Assert.True(failed.RotateMayHaveBeenCalled);
        var afterCrash = await ActiveKeyAsync(h);
        Assert.NotEqual(before.Kid, afterCrash.Kid);

        var rotated = Assert.IsType<SigningKeyRotated>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(1, Calls(h, RotateOperation));
        Assert.Equal((afterCrash.Kid, before.Kid, 1), (rotated.Kid, rotated.PreviousKid, rotated.RotateCalls));
        Assert.Equal(afterCrash.Kid, (await ActiveKeyAsync(h)).Kid);
    }

    [Fact]
    public async Task Rotate_CallExecutedLateAfterTheWorkerGaveUp_TheRedriveFindsItDone_WithoutRotatingAgain()
    {
        // The harness cannot kill a consumer mid-call (a real process kill is in the integration tests); a call that
        // Wacht holds past the client's timeout and executes after the worker gave up leaves the same state: an intent
        // recorded, the key changed at Wacht, and no recorded success.
        await using var h = await HarnessWorld.StartAsync(s => s["Worker:Messaging:Retry:Limit"] = "0");
        var previous = await ActiveKeyAsync(h);
        h.World.Emulator.Holds.Add(new HoldRule { Operation = RotateOperation });
        var command = Command();

        var failed = Assert.IsType<SigningKeyRotationFailed>(await h.ExecuteAsync(command, command.CommandId));
        Assert.Equal((ErrorCodes.WachtUnavailable, true, true), (failed.ErrorCode, failed.Retryable, failed.RotateMayHaveBeenCalled));
        Assert.Equal(previous.Kid, (await ActiveKeyAsync(h)).Kid);

        var released = Assert.Single(await h.World.Emulator.Holds.ReleaseAllAsync());
        Assert.True(released.Executed);
        var late = await ActiveKeyAsync(h);
        Assert.NotEqual(previous.Kid, late.Kid);

        var rotated = Assert.IsType<SigningKeyRotated>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(1, Calls(h, RotateOperation));
        Assert.Equal((late.Kid, previous.Kid, 1), (rotated.Kid, rotated.PreviousKid, rotated.RotateCalls));
        Assert.Equal(late.Kid, (await ActiveKeyAsync(h)).Kid);
    }

    [Fact]
    public async Task Rotate_UnknownApp_FailsWithNotFound_WithoutCallingRotate()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = Command("no-such-app");

        var failed = Assert.IsType<SigningKeyRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.NotFound, failed.ErrorCode);
        Assert.False(failed.Retryable);
        Assert.False(failed.RotateMayHaveBeenCalled);
        Assert.Equal(0, Calls(h, RotateOperation));
    }

    [Fact]
    public async Task Rotate_InvalidCommand_ListsTheOffendingFields_AndCallsNothing()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = Command("../analytics-api") with { DeploymentId = "007", Trigger = "cron", Reason = new string('r', 5000) };

        var failed = Assert.IsType<SigningKeyRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.InvalidCommand, failed.ErrorCode);
        Assert.Equal(["DeploymentId", "AppSlug", "Trigger", "Reason"], failed.FieldErrors.Select(e => e.Field));
        Assert.True(failed.Reason!.Length < 200);
        Assert.Equal(0, h.World.Emulator.Calls.Count("*"));
        Assert.Null(await h.Services.GetRequiredService<ICommandLedger>().FindAsync(command.CommandId, CancellationToken.None));
    }

    [Fact]
    public async Task Rotate_IsNotHeldUpByTheAppsScopeSyncLock_ButWaitsForTheSigningKeyLock()
    {
        await using var h = await HarnessWorld.StartAsync(s =>
        {
            s["Worker:Messaging:LockTimeout"] = "00:00:00.200";
            s["Worker:Messaging:Retry:Limit"] = "1";
        });
        var locks = h.Services.GetRequiredService<IClientLock>();
        await using (await locks.AcquireAsync($"app/{WachtWorld.Deployment}/{WachtWorld.AppSlug}", CancellationToken.None))
        {
            var free = Command();
            Assert.IsType<SigningKeyRotated>(await h.ExecuteAsync(free, free.CommandId));
        }

        await using var held = await locks.AcquireAsync($"signing-keys/{WachtWorld.Deployment}/{WachtWorld.AppSlug}", CancellationToken.None);
        var blocked = Command();
        var failed = Assert.IsType<SigningKeyRotationFailed>(await h.ExecuteAsync(blocked, blocked.CommandId));

        Assert.Equal(ErrorCodes.InternalError, failed.ErrorCode);
        Assert.Contains("lock", failed.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(failed.RotateMayHaveBeenCalled);
        Assert.Equal(1, Calls(h, RotateOperation));
    }
}
