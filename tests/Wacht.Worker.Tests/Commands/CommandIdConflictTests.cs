using Microsoft.Extensions.DependencyInjection;
using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;
using Wacht.Worker.Tests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Commands;

/// <summary>
/// A command id names one command. The same id with other meaningful fields is another command: it is refused with
/// command_id_conflict and not executed, and the first command's outcome stands. The same id with the same fields is a
/// duplicate and is answered from the ledger, whatever its audit texts say.
/// </summary>
public sealed class CommandIdConflictTests
{
    [Fact]
    public async Task RevokeGrant_SameIdForAnotherGrant_IsAConflict_AndTheSecondGrantStaysActive()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var active = (await h.World.GrantsAsync(WachtWorld.ServiceClient)).Where(g => g.Status == GrantStatuses.Active).ToList();
        Assert.True(active.Count >= 2);
        var first = new RevokeGrant { CommandId = Guid.NewGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id, GrantId = active[0].Id };
        Assert.IsType<GrantRevoked>(await h.ExecuteAsync(first, first.CommandId));

        var second = first with { GrantId = active[1].Id };
        var failed = Assert.IsType<GrantRevocationFailed>(await h.ExecuteAsync(second, second.CommandId));

        Assert.Equal(ErrorCodes.CommandIdConflict, failed.ErrorCode);
        Assert.False(failed.Retryable);
        Assert.Equal(active[1].Id, failed.GrantId);
        Assert.Equal(GrantStatuses.Active, (await h.World.GrantsAsync(WachtWorld.ServiceClient)).Single(g => g.Id == active[1].Id).Status);
        Assert.Equal(1, h.World.RevokeCalls);
        var record = await h.Services.GetRequiredService<ICommandLedger>().FindAsync(first.CommandId, CancellationToken.None);
        Assert.Equal(CommandState.Succeeded, record!.State);
        Assert.Equal(nameof(GrantRevoked), record.Outcome!.MessageType);
    }

    [Fact]
    public async Task SyncScopes_SameIdAsADryRun_WithOtherScopesAndDryRunOff_IsAConflict_AndNothingIsApplied()
    {
        await using var h = await HarnessWorld.StartAsync();
        var dryRun = new SyncScopes
        {
            CommandId = Guid.NewGuid(),
            DeploymentId = WachtWorld.Deployment,
            AppSlug = WachtWorld.AppSlug,
            Scopes = [new DesiredScope { Scope = "reports:export", DisplayName = "Export", Category = "personal" }],
            DryRun = true,
        };
        Assert.IsType<ScopesSynced>(await h.ExecuteAsync(dryRun, dryRun.CommandId));
        var before = (await h.World.Wacht.ListOAuthAppsAsync()).Single(a => a.Slug == WachtWorld.AppSlug);

        var real = dryRun with { DryRun = false, Scopes = [new DesiredScope { Scope = "reports:archive", DisplayName = "Archive", Category = "personal" }] };
        var failed = Assert.IsType<ScopeSyncFailed>(await h.ExecuteAsync(real, real.CommandId));

        Assert.Equal(ErrorCodes.CommandIdConflict, failed.ErrorCode);
        var after = (await h.World.Wacht.ListOAuthAppsAsync()).Single(a => a.Slug == WachtWorld.AppSlug);
        Assert.Equal(before.SupportedScopes, after.SupportedScopes);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
    }

    [Fact]
    public async Task SyncScopes_SameIdWithDryRunTurnedOff_IsAConflict_NotAReplayOfTheDryRun()
    {
        await using var h = await HarnessWorld.StartAsync();
        var dryRun = new SyncScopes
        {
            CommandId = Guid.NewGuid(),
            DeploymentId = WachtWorld.Deployment,
            AppSlug = WachtWorld.AppSlug,
            Scopes = [new DesiredScope { Scope = "reports:export", DisplayName = "Export", Category = "personal" }],
            DryRun = true,
        };
        Assert.IsType<ScopesSynced>(await h.ExecuteAsync(dryRun, dryRun.CommandId));

        var failed = Assert.IsType<ScopeSyncFailed>(await h.ExecuteAsync(dryRun with { DryRun = false }, dryRun.CommandId));

        Assert.Equal(ErrorCodes.CommandIdConflict, failed.ErrorCode);
    }

    [Fact]
    public async Task RotateSecret_SameIdForAnotherClient_IsAConflict_AndRotatesNothing()
    {
        await using var h = await HarnessWorld.StartAsync();
        var first = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var other = await h.World.ClientAsync(WachtWorld.PipelineClient);
        var command = new RotateSecret { CommandId = Guid.NewGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = first.Id };
        Assert.IsType<SecretRotated>(await h.ExecuteAsync(command, command.CommandId));

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command with { OAuthClientId = other.Id }, command.CommandId));

        Assert.Equal(ErrorCodes.CommandIdConflict, failed.ErrorCode);
        Assert.False(failed.OldSecretMayBeInvalid);
        Assert.Equal(1, h.World.RotateCalls);
    }

    [Fact]
    public async Task SameIdAndSameFields_WithOtherAuditTexts_IsADuplicate_AnsweredFromTheLedger()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var grant = (await h.World.GrantsAsync(WachtWorld.ServiceClient)).First(g => g.Status == GrantStatuses.Active);
        var first = new RevokeGrant { CommandId = Guid.NewGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id, GrantId = grant.Id, RequestedBy = "alice", Reason = "offboarding" };
        var revoked = Assert.IsType<GrantRevoked>(await h.ExecuteAsync(first, first.CommandId));

        var retry = first with { RequestedBy = "alice's retry script", Reason = "retry", Trigger = CommandTriggers.Audit };
        var replayed = Assert.IsType<GrantRevoked>(await h.ExecuteAsync(retry, retry.CommandId, expected: 1));

        Assert.Equal(revoked, replayed with { Scopes = revoked.Scopes });
        Assert.Equal(1, h.World.RevokeCalls);
    }

    [Fact]
    public async Task TheLedgerKeepsTheFingerprintAndTheValidatedSender_OfTheFirstCommand()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = new RotateSecret { CommandId = Guid.NewGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };

        await h.ExecuteAsync(command, command.CommandId);

        var record = await h.Services.GetRequiredService<ICommandLedger>().FindAsync(command.CommandId, CancellationToken.None);
        Assert.Matches("^[0-9a-f]{64}$", record!.Fingerprint);
        Assert.Null(record.ValidatedUser);
    }
}
