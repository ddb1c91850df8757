using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Wacht.Client;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;
using Wacht.Worker.Quarantine;
using Wacht.Worker.Tests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Quarantine;

/// <summary>QuarantineClient through the real pipeline on the harness, against the emulator.</summary>
public sealed class QuarantineClientConsumerTests
{
    private const string DeactivateOperation = "deactivateOAuthClient";

    private static QuarantineClient Command(string oauthClientId, bool discard = false, bool deactivate = true) => new()
    {
        CommandId = Guid.NewGuid(),
        DeploymentId = WachtWorld.Deployment,
        AppSlug = WachtWorld.AppSlug,
        OAuthClientId = oauthClientId,
        Discard = discard,
        Deactivate = deactivate,
        RequestedBy = "incident-42",
        Reason = "secret leaked in a public repository",
    };

    private static int Calls(HarnessWorld h, string operation) => h.World.Emulator.Calls.Count(operation, WachtWorld.Deployment);

    private static async Task<List<string>> ActiveGrantIdsAsync(HarnessWorld h) =>
        [.. (await h.World.GrantsAsync(WachtWorld.ServiceClient)).Where(g => g.Status == GrantStatuses.Active).Select(g => g.Id).Order(StringComparer.Ordinal)];

    /// <summary>Everything a quarantine ends with, whichever way it got there: one rotation, no active grant, the client inactive, the secret working at the destination.</summary>
    private static async Task AssertQuarantinedAsync(HarnessWorld h, OAuthClient client, ClientQuarantined done, IReadOnlyList<string> grantsBefore, string? seededSecret)
    {
        Assert.True(done.Secret.Rotated);
        Assert.Equal(QuarantineClientHandler.RotateCommandId(done.CommandId), done.Secret.RotateCommandId);
        Assert.Equal(grantsBefore, done.RevokedGrantIds.Order(StringComparer.Ordinal));
        Assert.Empty(await ActiveGrantIdsAsync(h));
        Assert.True(done.Deactivated);
        Assert.False((await h.World.ClientAsync(WachtWorld.ServiceClient)).IsActive);
        Assert.False(h.World.WachtAccepts(client.ClientId, seededSecret));
        Assert.Equal(grantsBefore.Count, Calls(h, WachtWorld.RevokeOperation));
        Assert.Equal(1, Calls(h, DeactivateOperation));
        var ledger = h.Services.GetRequiredService<ICommandLedger>();
        Assert.Equal(CommandState.Succeeded, (await ledger.FindAsync(done.CommandId, CancellationToken.None))!.State);
        Assert.Equal(CommandState.Succeeded, (await ledger.FindAsync(done.Secret.RotateCommandId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Quarantine_RotatesAndDelivers_RevokesEveryActiveGrant_Deactivates_AndListsIt()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var grants = await ActiveGrantIdsAsync(h);
        Assert.Equal(2, grants.Count);
        var command = Command(client.Id);

        var done = Assert.IsType<ClientQuarantined>(await h.ExecuteAsync(command, command.CommandId));

        await AssertQuarantinedAsync(h, client, done, grants, h.World.SeededSecret(WachtWorld.ServiceClient));
        Assert.Equal(1, h.World.RotateCalls);
        Assert.False(done.Secret.Discarded);
        Assert.Equal(("file", client.ClientId), (done.Secret.Destination, client.ClientId));
        Assert.NotNull(done.Secret.VerifiedAt);
        // Rotated before deactivation: Wacht accepted the delivered secret then (VerifiedAt); the destination holds it.
        Assert.Equal(done.Secret.SecretFingerprint, new ClientSecret(h.World.SecretAtDestination(client.ClientId)!).Fingerprint);
        Assert.Equal(client.ClientId, done.ClientId);
        Assert.Equal(("incident-42", CommandTriggers.Command), (done.RequestedBy, done.Trigger));
        // The rotation is in the client's history like any other, under the quarantine's derived id.
        var ledger = h.Services.GetRequiredService<ICommandLedger>();
        var history = Assert.Single(await ledger.ListRotationsAsync(WachtWorld.Deployment, client.Id, CancellationToken.None));
        Assert.Equal(done.Secret.RotateCommandId, history.CommandId);
        Assert.Equal(done.Secret.SecretFingerprint, history.SecretFingerprint);
    }

    [Fact]
    public async Task Quarantine_WithDiscard_KillsTheOldSecret_AndTheNewOneReachesNobody()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id, discard: true, deactivate: false);

        var done = Assert.IsType<ClientQuarantined>(await h.ExecuteAsync(command, command.CommandId));

        Assert.True(done.Secret.Rotated);
        Assert.True(done.Secret.Discarded);
        Assert.Equal((null, null, null, null), (done.Secret.Route, done.Secret.Destination, done.Secret.DestinationKey, done.Secret.SecretFingerprint));
        Assert.False(h.World.WachtAccepts(client.ClientId, h.World.SeededSecret(WachtWorld.ServiceClient)));
        Assert.Null(h.World.SecretAtDestination(client.ClientId));
        Assert.Equal(1, h.World.RotateCalls);
        Assert.False(done.Deactivated);
        Assert.True((await h.World.ClientAsync(WachtWorld.ServiceClient)).IsActive);
        Assert.Equal(0, Calls(h, DeactivateOperation));
        Assert.Empty(await ActiveGrantIdsAsync(h));

        // The new secret exists only at Wacht: no file, log line, event or ledger row holds any client secret.
        Assert.DoesNotContain(h.World.DataFiles(), f => System.Text.Encoding.UTF8.GetString(f.Content).Contains("oc_secret_", StringComparison.Ordinal));
        Assert.DoesNotContain("oc_secret_", h.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("oc_secret_", JsonSerializer.Serialize(done), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quarantine_SecretsAppearInNoEventAndNoLogLine()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);

        var done = Assert.IsType<ClientQuarantined>(await h.ExecuteAsync(command, command.CommandId));

        var delivered = h.World.SecretAtDestination(client.ClientId)!;
        var seeded = h.World.SeededSecret(WachtWorld.ServiceClient);
        foreach (var secret in new[] { delivered, seeded })
        {
            Assert.DoesNotContain(secret, h.Logs.AllText, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, JsonSerializer.Serialize(done), StringComparison.Ordinal);
            Assert.DoesNotContain(h.Harness.Published.Select(_ => true), m => JsonSerializer.Serialize(m.MessageObject).Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Quarantine_DuplicateCommandId_IsAnsweredFromTheLedger_WithoutCallingWacht()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);
        var first = Assert.IsType<ClientQuarantined>(await h.ExecuteAsync(command, command.CommandId));
        var calls = h.World.Emulator.Calls.Count("*");

        var response = await h.Harness.GetRequestClient<QuarantineClient>().GetResponse<ClientQuarantined, ClientQuarantineFailed>(command);

        Assert.True(response.Is(out Response<ClientQuarantined>? replayed));
        Assert.Equal(JsonSerializer.Serialize(first), JsonSerializer.Serialize(replayed.Message));
        Assert.Equal(calls, h.World.Emulator.Calls.Count("*"));
    }

    [Fact]
    public async Task Quarantine_ReusingTheIdWithOtherFields_IsRefusedWithCommandIdConflict_AndCallsNothing()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id, deactivate: false);
        Assert.IsType<ClientQuarantined>(await h.ExecuteAsync(command, command.CommandId));
        var calls = h.World.Emulator.Calls.Count("*");

        var conflicting = command with { Deactivate = true };
        var failed = Assert.IsType<ClientQuarantineFailed>(await h.ExecuteAsync(conflicting, conflicting.CommandId));

        Assert.Equal(ErrorCodes.CommandIdConflict, failed.ErrorCode);
        Assert.False(failed.Retryable);
        Assert.Equal(calls, h.World.Emulator.Calls.Count("*"));
        Assert.True((await h.World.ClientAsync(WachtWorld.ServiceClient)).IsActive);
    }

    [Fact]
    public async Task Quarantine_InvalidCommand_ListsTheOffendingFields_AndCallsNothing()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = Command("../1") with { DeploymentId = "007" };

        var failed = Assert.IsType<ClientQuarantineFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.InvalidCommand, failed.ErrorCode);
        Assert.Equal(["DeploymentId", "OAuthClientId"], failed.FieldErrors.Select(e => e.Field));
        Assert.Equal([QuarantineSteps.RotateSecret, QuarantineSteps.RevokeGrants, QuarantineSteps.DeactivateClient], failed.Remaining);
        Assert.Null(failed.FailedStep);
        Assert.Equal(0, h.World.Emulator.Calls.Count("*"));
    }

    [Fact]
    public async Task Quarantine_ClientWithoutASecret_FailsAtTheFirstStep_DoingNothing()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.PublicClient);
        var command = Command(client.Id);

        var failed = Assert.IsType<ClientQuarantineFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal((ErrorCodes.RotationNotSupported, QuarantineSteps.RotateSecret, false), (failed.ErrorCode, failed.FailedStep, failed.OldSecretMayBeInvalid));
        Assert.Equal([QuarantineSteps.RotateSecret, QuarantineSteps.RevokeGrants, QuarantineSteps.DeactivateClient], failed.Remaining);
        Assert.Equal(0, h.World.RotateCalls);
    }

    /// <summary>
    /// The harness cannot kill a consumer mid-call (a real process kill is in the integration tests); a call that Wacht
    /// holds past the client's timeout and executes after the worker gave up leaves the same state as a kill during
    /// it: the step's call recorded as made, its effect at Wacht, no recorded answer. Each step in turn, then a re-drive.
    /// </summary>
    [Theory]
    [InlineData(WachtWorld.RotateOperation, false)]
    [InlineData(WachtWorld.RotateOperation, true)]
    [InlineData(WachtWorld.RevokeOperation, false)]
    [InlineData(DeactivateOperation, false)]
    public async Task Quarantine_CallExecutedAfterTheWorkerGaveUpAtEachStep_TheRedriveResumes_RepeatingNoFinishedStep(string operation, bool discard)
    {
        await using var h = await HarnessWorld.StartAsync(s =>
        {
            s["Worker:Messaging:Retry:Limit"] = "0";
            s[$"Wacht:Deployments:{WachtWorld.Deployment}:RequestTimeout"] = "00:00:00.500";
            s[$"Wacht:Deployments:{WachtWorld.Deployment}:MaxRetries"] = "0";
        });
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var grants = await ActiveGrantIdsAsync(h);
        h.World.Emulator.Holds.Add(new HoldRule { Operation = operation });
        var command = Command(client.Id, discard);

        var failed = Assert.IsType<ClientQuarantineFailed>(await h.ExecuteAsync(command, command.CommandId));
        var released = Assert.Single(await h.World.Emulator.Holds.ReleaseAllAsync());
        Assert.True(released.Executed);

        Assert.Equal((ErrorCodes.WachtUnavailable, true), (failed.ErrorCode, failed.Retryable));
        var expectedFailedStep = operation switch
        {
            WachtWorld.RotateOperation => QuarantineSteps.RotateSecret,
            WachtWorld.RevokeOperation => QuarantineSteps.RevokeGrants,
            _ => QuarantineSteps.DeactivateClient,
        };
        Assert.Equal(expectedFailedStep, failed.FailedStep);
        Assert.Equal(expectedFailedStep, failed.Remaining[0]);
        Assert.Equal(operation == WachtWorld.RotateOperation, failed.OldSecretMayBeInvalid);
        Assert.Equal(operation != WachtWorld.RotateOperation, failed.Secret.Rotated);
        Assert.Equal(operation == DeactivateOperation ? grants : [], failed.RevokedGrantIds.Order(StringComparer.Ordinal));
        var rotateCallsBefore = h.World.RotateCalls;

        var done = Assert.IsType<ClientQuarantined>(await h.ExecuteAsync(command, command.CommandId));

        // A rotate call whose answer was lost left a secret nobody holds: the rotation rotates once more (that step had
        // not finished). Every finished step stays done: no second rotation after a finished one, no grant revoked
        // twice, one deactivation.
        Assert.Equal(operation == WachtWorld.RotateOperation ? 2 : 1, h.World.RotateCalls);
        Assert.Equal(rotateCallsBefore + (operation == WachtWorld.RotateOperation ? 1 : 0), h.World.RotateCalls);
        await AssertQuarantinedAsync(h, client, done, grants, h.World.SeededSecret(WachtWorld.ServiceClient));
        if (!discard)
        {
            // The secret at the destination is the one the event names, verified before the client was deactivated.
            Assert.NotNull(done.Secret.VerifiedAt);
            Assert.Equal(done.Secret.SecretFingerprint, new ClientSecret(h.World.SecretAtDestination(client.ClientId)!).Fingerprint);
        }
    }

    [Fact]
    public async Task Quarantine_FailingPartWay_ListsWhatWasDoneAndWhatRemains_AndTheResendFinishesIt()
    {
        await using var h = await HarnessWorld.StartAsync(s => s["Worker:Messaging:Retry:Limit"] = "0");
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var grants = await ActiveGrantIdsAsync(h);
        // The first revoke call is refused (non-transient); the re-send revokes every grant.
        h.World.Emulator.Faults.Add(new FaultRule { Operation = WachtWorld.RevokeOperation, ErrorStatus = 403, Remaining = 1 });
        var command = Command(client.Id);

        var failed = Assert.IsType<ClientQuarantineFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(QuarantineSteps.RevokeGrants, failed.FailedStep);
        Assert.True(failed.Secret.Rotated);
        Assert.Equal("file", failed.Secret.Destination);
        Assert.Empty(failed.RevokedGrantIds);
        Assert.Equal([QuarantineSteps.RevokeGrants, QuarantineSteps.DeactivateClient], failed.Remaining);
        Assert.False(failed.OldSecretMayBeInvalid);

        var done = Assert.IsType<ClientQuarantined>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(1, h.World.RotateCalls);
        Assert.Equal(grants, done.RevokedGrantIds.Order(StringComparer.Ordinal));
        Assert.Equal(grants.Count + 1, Calls(h, WachtWorld.RevokeOperation));
        Assert.True(done.Deactivated);
        Assert.Empty(await ActiveGrantIdsAsync(h));
    }
}
