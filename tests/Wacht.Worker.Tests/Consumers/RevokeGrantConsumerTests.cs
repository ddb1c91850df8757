using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Wacht.Client;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.Tests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Consumers;

public sealed class RevokeGrantConsumerTests
{
    private static async Task<RevokeGrant> CommandAsync(HarnessWorld h, Func<OAuthGrant, bool> pick)
    {
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var grant = (await h.World.GrantsAsync(WachtWorld.ServiceClient)).First(pick);
        return new RevokeGrant
        {
            CommandId = Guid.NewGuid(),
            DeploymentId = WachtWorld.Deployment,
            AppSlug = WachtWorld.AppSlug,
            OAuthClientId = client.Id,
            GrantId = grant.Id,
            RequestedBy = "security-team",
            Reason = "offboarding",
        };
    }

    [Fact]
    public async Task Revoke_ActiveGrant_RevokesIt_AndPublishesGrantRevoked()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = await CommandAsync(h, g => g.Status == GrantStatuses.Active && g.ExpiresAt is null);

        var revoked = Assert.IsType<GrantRevoked>(await h.ExecuteAsync(command, command.CommandId));

        Assert.False(revoked.AlreadyRevoked);
        Assert.Equal(command.GrantId, revoked.GrantId);
        Assert.Equal(["read:reports"], revoked.Scopes);
        Assert.Equal("security-team", revoked.RequestedBy);
        var grant = (await h.World.GrantsAsync(WachtWorld.ServiceClient)).Single(g => g.Id == command.GrantId);
        Assert.Equal(GrantStatuses.Revoked, grant.Status);
        Assert.Equal(1, h.World.RevokeCalls);
    }

    [Fact]
    public async Task Revoke_AlreadyRevokedGrant_SucceedsWithAlreadyRevoked_AndMakesNoWriteCall()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = await CommandAsync(h, g => g.Status == GrantStatuses.Revoked);
        var before = (await h.World.GrantsAsync(WachtWorld.ServiceClient)).Single(g => g.Id == command.GrantId);

        var revoked = Assert.IsType<GrantRevoked>(await h.ExecuteAsync(command, command.CommandId));

        Assert.True(revoked.AlreadyRevoked);
        Assert.Equal(before.RevokedAt, revoked.RevokedAt);
        Assert.Equal(0, h.World.RevokeCalls);
    }

    [Fact]
    public async Task Revoke_UnknownGrantOfAKnownClient_FailsWithNotFound_AndMakesNoWriteCall()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = await CommandAsync(h, _ => true) with { GrantId = "424242424242" };

        var failed = Assert.IsType<GrantRevocationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.NotFound, failed.ErrorCode);
        Assert.False(failed.Retryable);
        Assert.Contains("424242424242", failed.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.World.RevokeCalls);
    }

    [Fact]
    public async Task Revoke_UnknownClient_FailsWithNotFound()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = await CommandAsync(h, _ => true) with { OAuthClientId = "777777777" };

        var failed = Assert.IsType<GrantRevocationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.NotFound, failed.ErrorCode);
    }

    [Fact]
    public async Task Revoke_DuplicateCommandId_IsAnsweredFromTheLedger()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = await CommandAsync(h, g => g.Status == GrantStatuses.Active && g.ExpiresAt is null);

        var first = Assert.IsType<GrantRevoked>(await h.ExecuteAsync(command, command.CommandId));
        var grantCallsAfterFirst = h.World.Emulator.Calls.Count("listOAuthGrants", WachtWorld.Deployment);
        var response = await h.Harness.GetRequestClient<RevokeGrant>().GetResponse<GrantRevoked, GrantRevocationFailed>(command);
        Assert.True(response.Is(out Response<GrantRevoked>? replayed));
        var second = replayed.Message;

        Assert.False(second.AlreadyRevoked);
        Assert.Equal(first.RevokedAt, second.RevokedAt);
        Assert.Equal(first.Scopes, second.Scopes);
        Assert.Equal(grantCallsAfterFirst, h.World.Emulator.Calls.Count("listOAuthGrants", WachtWorld.Deployment));
        Assert.Equal(1, h.World.RevokeCalls);
    }

    [Fact]
    public async Task Revoke_ReusingTheIdOfAnotherCommand_IsRefused_AndNeitherCommandIsAffected()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var rotate = new RotateSecret { CommandId = Guid.NewGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };
        Assert.IsType<SecretRotated>(await h.ExecuteAsync(rotate, rotate.CommandId));
        var revoke = await CommandAsync(h, g => g.Status == GrantStatuses.Active && g.ExpiresAt is null) with { CommandId = rotate.CommandId };

        var failed = Assert.IsType<GrantRevocationFailed>(await h.ExecuteAsync(revoke, revoke.CommandId));

        Assert.Equal(ErrorCodes.CommandIdConflict, failed.ErrorCode);
        Assert.Equal("CommandId", Assert.Single(failed.FieldErrors).Field);
        Assert.Contains("rotate-secret", failed.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.World.RevokeCalls);
        Assert.Equal(1, h.World.RotateCalls);
    }

    [Fact]
    public async Task Revoke_WhileAnotherCommandHoldsTheClientLock_WaitsItsTimeOut_ThenFailsRetryably()
    {
        await using var h = await HarnessWorld.StartAsync(s =>
        {
            s["Worker:Messaging:LockTimeout"] = "00:00:00.200";
            s["Worker:Messaging:Retry:Limit"] = "1";
        });
        var command = await CommandAsync(h, g => g.Status == GrantStatuses.Active && g.ExpiresAt is null);
        var locks = h.Services.GetRequiredService<Wacht.Worker.Ledger.IClientLock>();
        await using var held = await locks.AcquireAsync($"client/{command.DeploymentId}/{command.OAuthClientId}", CancellationToken.None);

        var failed = Assert.IsType<GrantRevocationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.InternalError, failed.ErrorCode);
        Assert.True(failed.Retryable);
        Assert.Contains("lock", failed.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, h.World.RevokeCalls);
    }

    [Fact]
    public async Task Revoke_InvalidCommand_ListsTheOffendingFields()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = new RevokeGrant { CommandId = Guid.NewGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = "12", GrantId = "" };

        var failed = Assert.IsType<GrantRevocationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.InvalidCommand, failed.ErrorCode);
        Assert.Equal("GrantId", Assert.Single(failed.FieldErrors).Field);
        Assert.Equal(0, h.World.Emulator.Calls.Count("*"));
    }

    [Fact]
    public async Task Revoke_429sWithRetryAfter_AreWaitedOut()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = await CommandAsync(h, g => g.Status == GrantStatuses.Active && g.ExpiresAt is null);
        h.World.Emulator.Faults.Add(new FaultRule { Operation = "revokeOAuthGrant", ErrorStatus = 429, RetryAfterSeconds = 1, Remaining = 2 });

        var revoked = Assert.IsType<GrantRevoked>(await h.ExecuteAsync(command, command.CommandId));

        Assert.False(revoked.AlreadyRevoked);
        Assert.Equal(3, h.World.RevokeCalls);
    }
}
