using System.Text.Json;
using Wacht.Worker.Contracts;
using Wacht.Worker.Tests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Consumers;

/// <summary>
/// Issue 9, defect 7: oversized input is refused with <c>invalid_command</c> and echoed (in the failure event and in
/// the logs) as a short, marked excerpt at most, never whole. Limits: docs/messages.md, "Limits".
/// </summary>
public sealed class OversizedInputTests : IClassFixture<OversizedInputTests.Fixture>
{
    private const int OneMegabyte = 1_048_576;

    /// <summary>Far above any limit and far below anything a failure event should carry.</summary>
    private const int MaxEventBytes = 16 * 1024;

    private readonly Fixture _fixture;

    public OversizedInputTests(Fixture fixture) => _fixture = fixture;

    private HarnessWorld H => _fixture.World;

    [Fact]
    public async Task A_one_megabyte_reason_is_echoed_as_a_marked_excerpt_by_every_command()
    {
        var reason = new string('r', OneMegabyte);
        var client = await H.World.ClientAsync(WachtWorld.ServiceClient);
        var grant = (await H.World.GrantsAsync(WachtWorld.ServiceClient))[0];
        var expected = new string('r', 64) + $"…[truncated, {OneMegabyte} chars]";

        var rotate = await FailAsync<SecretRotationFailed>(Rotate(client.Id) with { Reason = reason });
        var revoke = await FailAsync<GrantRevocationFailed>(Revoke(client.Id, grant.Id) with { Reason = reason });
        var sync = await FailAsync<ScopeSyncFailed>(Sync(new DesiredScope { Scope = "read:reports" }) with { Reason = reason });

        Assert.Equal(expected, rotate.Reason);
        Assert.Equal(expected, revoke.Reason);
        Assert.Equal(expected, sync.Reason);
        Assert.Contains(rotate.FieldErrors, e => e.Field == "Reason");
        AssertNotInLogs('r');
    }

    [Fact]
    public async Task An_over_long_requested_by_is_refused_and_echoed_as_an_excerpt()
    {
        var client = await H.World.ClientAsync(WachtWorld.ServiceClient);

        var failed = await FailAsync<SecretRotationFailed>(Rotate(client.Id) with { RequestedBy = new string('q', 300) });

        Assert.Contains(failed.FieldErrors, e => e.Field == "RequestedBy");
        Assert.Equal(new string('q', 64) + "…[truncated, 300 chars]", failed.RequestedBy);
    }

    [Fact]
    public async Task Huge_slugs_ids_and_triggers_are_echoed_as_excerpts()
    {
        var huge = new string('7', 100_000);

        var rotate = await FailAsync<SecretRotationFailed>(Rotate(huge) with { AppSlug = new string('s', 100_000), DeploymentId = huge, Trigger = new string('t', 100_000) });
        var revoke = await FailAsync<GrantRevocationFailed>(Revoke(huge, huge));

        Assert.StartsWith(new string('s', 64) + "…[truncated, 100000 chars]", rotate.AppSlug, StringComparison.Ordinal);
        Assert.True(rotate.DeploymentId.Length < 100 && rotate.OAuthClientId.Length < 100 && rotate.Trigger.Length < 100, $"{rotate.DeploymentId} {rotate.OAuthClientId} {rotate.Trigger}");
        Assert.True(revoke.GrantId.Length < 100 && revoke.OAuthClientId.Length < 100, $"{revoke.GrantId} {revoke.OAuthClientId}");
        AssertNotInLogs('s');
        AssertNotInLogs('t');
    }

    [Fact]
    public async Task SyncScopes_with_100000_scopes_is_refused_with_a_small_event()
    {
        var scopes = Enumerable.Range(0, 100_000).Select(i => new DesiredScope { Scope = $"bad scope {i}" }).ToArray();

        var failed = await FailAsync<ScopeSyncFailed>(Sync(scopes));

        var error = Assert.Single(failed.FieldErrors, e => e.Field == "Scopes");
        Assert.Contains("100000", error.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(failed.FieldErrors, e => e.Field.StartsWith("Scopes[", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Many_offending_fields_are_reported_as_a_capped_marked_list()
    {
        var scopes = Enumerable.Range(0, 500).Select(i => new DesiredScope { Scope = $"bad scope {i}" }).ToArray();

        var failed = await FailAsync<ScopeSyncFailed>(Sync(scopes));

        Assert.True(failed.FieldErrors.Count <= 21, $"{failed.FieldErrors.Count} field errors");
        Assert.Equal("Scopes[0].Scope", failed.FieldErrors[0].Field);
        Assert.Contains("truncated", failed.FieldErrors[^1].Problem, StringComparison.Ordinal);
        Assert.Contains("500", failed.FieldErrors[^1].Problem, StringComparison.Ordinal);
        Assert.True(failed.Message.Length < 8 * 1024, $"{failed.Message.Length} chars of message");
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_an_invalid_command_even_when_every_field_is_valid()
    {
        // 600 scopes with 1000-character descriptions: every field within its limit, the message about 650 KB.
        var scopes = Enumerable.Range(0, 600)
            .Select(i => new DesiredScope { Scope = $"bulk:{i}", Description = new string('d', 1000) })
            .ToArray();
        var routedBefore = H.World.Emulator.Calls.Count("*");

        var failed = await FailAsync<ScopeSyncFailed>(Sync(scopes) with { DryRun = true });

        var error = Assert.Single(failed.FieldErrors);
        Assert.Equal("(message)", error.Field);
        Assert.Contains("bytes", error.Problem, StringComparison.Ordinal);
        Assert.Equal(routedBefore, H.World.Emulator.Calls.Count("*"));
    }

    private async Task<TFailed> FailAsync<TFailed>(RotateSecret command) => await FailAsync<RotateSecret, TFailed>(command, command.CommandId);

    private async Task<TFailed> FailAsync<TFailed>(RevokeGrant command) => await FailAsync<RevokeGrant, TFailed>(command, command.CommandId);

    private async Task<TFailed> FailAsync<TFailed>(SyncScopes command) => await FailAsync<SyncScopes, TFailed>(command, command.CommandId);

    private async Task<TFailed> FailAsync<TCommand, TFailed>(TCommand command, Guid commandId)
        where TCommand : class
    {

        var outcome = await H.ExecuteAsync(command, commandId);

        var failed = Assert.IsType<TFailed>(outcome);
        Assert.Equal(ErrorCodes.InvalidCommand, (string)typeof(TFailed).GetProperty(nameof(SecretRotationFailed.ErrorCode))!.GetValue(failed)!);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(failed, typeof(TFailed)).Length;
        Assert.True(bytes < MaxEventBytes, $"the failure event is {bytes} bytes");
        return failed;
    }

    private void AssertNotInLogs(char filler)
    {
        // Log values are cut by LogValue (issue 9, defect 6) at LogValue.MaxLength characters, marked.
        var run = new string(filler, Wacht.Worker.Commands.LogValue.MaxLength + 1);
        Assert.DoesNotContain(H.Logs.Entries, e => e.Contains(run, StringComparison.Ordinal));
    }

    private static RotateSecret Rotate(string clientId) => new()
    {
        CommandId = Guid.NewGuid(),
        DeploymentId = WachtWorld.Deployment,
        AppSlug = WachtWorld.AppSlug,
        OAuthClientId = clientId,
        RequestedBy = "oversize-tests",
    };

    private static RevokeGrant Revoke(string clientId, string grantId) => new()
    {
        CommandId = Guid.NewGuid(),
        DeploymentId = WachtWorld.Deployment,
        AppSlug = WachtWorld.AppSlug,
        OAuthClientId = clientId,
        GrantId = grantId,
        RequestedBy = "oversize-tests",
    };

    private static SyncScopes Sync(params DesiredScope[] scopes) => new()
    {
        CommandId = Guid.NewGuid(),
        DeploymentId = WachtWorld.Deployment,
        AppSlug = WachtWorld.AppSlug,
        Scopes = scopes,
        DryRun = true,
        RequestedBy = "oversize-tests",
    };

    public sealed class Fixture : IAsyncLifetime
    {
        public HarnessWorld World { get; private set; } = null!;

        public async Task InitializeAsync() => World = await HarnessWorld.StartAsync();

        public async Task DisposeAsync() => await World.DisposeAsync();
    }
}
