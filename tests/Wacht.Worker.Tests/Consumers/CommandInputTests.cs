using Wacht.Worker.Contracts;
using Wacht.Worker.Tests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Consumers;

/// <summary>
/// Issue 9, defect 1 at the consumers: a slug, scope or id that could steer a request to another endpoint or record
/// (dot segments, non-canonical ids) ends in <c>invalid_command</c> before any call to Wacht, for all three commands.
/// "No call" is checked twice: the emulator's call counter and a counter of every request the worker's client sent.
/// </summary>
public sealed class CommandInputTests : IClassFixture<CommandInputTests.Fixture>
{
    private readonly Fixture _fixture;

    public CommandInputTests(Fixture fixture) => _fixture = fixture;

    public static TheoryData<string, string> BadSlugs => new()
    {
        { "dot", "." },
        { "dot-dot", ".." },
        { "dots-inside", "analytics..api" },
        { "slash", "analytics-api/clients" },
        { "too-long", new string('a', 65) },
    };

    public static TheoryData<string, string> BadIds => new()
    {
        { "leading-zero", "0{id}" },
        { "zero", "0" },
        { "20-digits", "10000000000000000000" },
        { "above-long", "9223372036854775808" },
        { "ulong-max", "18446744073709551615" },
    };

    private HarnessWorld H => _fixture.World;

    [Theory]
    [MemberData(nameof(BadSlugs))]
    public async Task A_bad_app_slug_is_an_invalid_command_for_every_command_and_nothing_is_called(string name, string slug)
    {
        _ = name;
        var client = await H.World.ClientAsync(WachtWorld.ServiceClient);
        var grant = (await H.World.GrantsAsync(WachtWorld.ServiceClient))[0];

        await AssertInvalidWithoutCallsAsync(RotateCommand(client.Id) with { AppSlug = slug }, "AppSlug");
        await AssertInvalidWithoutCallsAsync(RevokeCommand(client.Id, grant.Id) with { AppSlug = slug }, "AppSlug");
        await AssertInvalidWithoutCallsAsync(SyncCommand(new DesiredScope { Scope = "read:reports" }) with { AppSlug = slug }, "AppSlug");
    }

    [Theory]
    [MemberData(nameof(BadIds))]
    public async Task A_non_canonical_id_is_an_invalid_command_for_every_command_and_nothing_is_called(string name, string pattern)
    {
        _ = name;
        var client = await H.World.ClientAsync(WachtWorld.ServiceClient);
        var grant = (await H.World.GrantsAsync(WachtWorld.ServiceClient))[0];
        var clientId = pattern.Replace("{id}", client.Id, StringComparison.Ordinal);
        var grantId = pattern.Replace("{id}", grant.Id, StringComparison.Ordinal);
        var deploymentId = pattern.Replace("{id}", WachtWorld.Deployment, StringComparison.Ordinal);

        await AssertInvalidWithoutCallsAsync(RotateCommand(clientId), "OAuthClientId");
        await AssertInvalidWithoutCallsAsync(RevokeCommand(clientId, grant.Id), "OAuthClientId");
        await AssertInvalidWithoutCallsAsync(RevokeCommand(client.Id, grantId), "GrantId");
        await AssertInvalidWithoutCallsAsync(RotateCommand(client.Id) with { DeploymentId = deploymentId }, "DeploymentId");
        await AssertInvalidWithoutCallsAsync(RevokeCommand(client.Id, grant.Id) with { DeploymentId = deploymentId }, "DeploymentId");
        await AssertInvalidWithoutCallsAsync(SyncCommand(new DesiredScope { Scope = "read:reports" }) with { DeploymentId = deploymentId }, "DeploymentId");
    }

    [Fact]
    public async Task A_leading_zero_client_id_does_not_rotate_the_client_it_spells()
    {
        // "0" + id names the same record at Wacht but another lock key in the worker: it must not rotate anything.
        var client = await H.World.ClientAsync(WachtWorld.ServiceClient);
        var rotations = H.World.RotateCalls;

        await AssertInvalidWithoutCallsAsync(RotateCommand("0" + client.Id), "OAuthClientId");

        Assert.Equal(rotations, H.World.RotateCalls);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../..")]
    [InlineData("reports/..")]
    [InlineData("a?b")]
    [InlineData("a#b")]
    [InlineData("a%2Fb")]
    public async Task A_scope_name_that_is_not_one_path_segment_is_an_invalid_command(string scope)
    {
        await AssertInvalidWithoutCallsAsync(SyncCommand(new DesiredScope { Scope = scope, Description = "x" }), "Scopes[0].Scope");
    }

    [Fact]
    public async Task SyncScopes_with_the_scope_dot_dot_no_longer_overwrites_the_apps_description()
    {
        // The reported scenario: scope ".." with a new description was sent as PATCH /oauth/apps/{slug}/
        // (updateOAuthApp), overwrote the app's description and reported ScopesSynced.
        var before = (await H.World.Wacht.ListOAuthAppsAsync()).Single(a => a.Slug == WachtWorld.AppSlug);
        var command = SyncCommand(
            new DesiredScope { Scope = "read:reports" },
            new DesiredScope { Scope = "write:reports" },
            new DesiredScope { Scope = "admin" },
            new DesiredScope { Scope = "..", Description = "overwritten through a dot segment" });

        var failed = await AssertInvalidWithoutCallsAsync(command, "Scopes[3].Scope");

        var after = (await H.World.Wacht.ListOAuthAppsAsync()).Single(a => a.Slug == WachtWorld.AppSlug);
        Assert.Equal(before.Description, after.Description);
        Assert.Equal(before.Name, after.Name);
        Assert.Equal(before.SupportedScopes, after.SupportedScopes);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
        Assert.IsType<ScopeSyncFailed>(failed);
    }

    [Fact]
    public async Task An_existing_scope_the_client_cannot_address_fails_the_sync_without_a_request_for_it()
    {
        // The worker validates what a command says; a scope the app already has comes from Wacht. Archiving an app's
        // ".." scope would PATCH another path: the client refuses it (nothing sent) and the worker reports it.
        var sent = new OutgoingRequests();
        await using var h = await HarnessWorld.StartAsync(services: sent.Register);
        var app = (await h.World.Wacht.ListOAuthAppsAsync()).Single(a => a.Slug == WachtWorld.AppSlug);
        await h.World.Wacht.UpdateOAuthAppAsync(WachtWorld.AppSlug, new Client.UpdateOAuthAppRequest { SupportedScopes = [.. app.SupportedScopes, ".."] });
        var current = (await h.World.Wacht.ListOAuthAppsAsync()).Single(a => a.Slug == WachtWorld.AppSlug);
        Assert.Contains("..", current.SupportedScopes);
        var keep = current.ScopeDefinitions.Where(d => d.Scope != ".." && !d.Archived).Select(d => new DesiredScope { Scope = d.Scope }).ToArray();
        var command = SyncCommand(keep) with { MissingScopes = MissingScopeModes.Archive };
        var routedBefore = h.World.Emulator.Calls.Count("*");

        var failed = Assert.IsType<ScopeSyncFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.InvalidCommand, failed.ErrorCode);
        Assert.False(failed.Retryable);
        Assert.Contains("dot segment", failed.Message, StringComparison.Ordinal);
        // Only the read: the worker's client sent one request, listOAuthApps, and nothing for the ".." scope.
        Assert.Equal([$"GET /oauth/apps"], sent.Requests);
        Assert.Equal(routedBefore + 1, h.World.Emulator.Calls.Count("*"));
        Assert.Equal(current.UpdatedAt, (await h.World.Wacht.ListOAuthAppsAsync()).Single(a => a.Slug == WachtWorld.AppSlug).UpdatedAt);
    }

    private async Task<object> AssertInvalidWithoutCallsAsync<TCommand>(TCommand command, string field)
        where TCommand : class
    {
        var commandId = (Guid)typeof(TCommand).GetProperty(nameof(RotateSecret.CommandId))!.GetValue(command)!;
        var routedBefore = H.World.Emulator.Calls.Count("*");
        var sentBefore = _fixture.Sent.Count;

        var outcome = await H.ExecuteAsync(command, commandId);

        var (code, fieldErrors) = outcome switch
        {
            SecretRotationFailed f => (f.ErrorCode, f.FieldErrors),
            GrantRevocationFailed f => (f.ErrorCode, f.FieldErrors),
            ScopeSyncFailed f => (f.ErrorCode, f.FieldErrors),
            _ => throw new Xunit.Sdk.XunitException($"Expected a failure event, got {outcome.GetType().Name}: {outcome}"),
        };
        Assert.Equal(ErrorCodes.InvalidCommand, code);
        Assert.Contains(fieldErrors, e => e.Field == field);
        Assert.Equal(routedBefore, H.World.Emulator.Calls.Count("*"));
        Assert.Equal(sentBefore, _fixture.Sent.Count);
        return outcome;
    }

    private static RotateSecret RotateCommand(string clientId) => new()
    {
        CommandId = Guid.NewGuid(),
        DeploymentId = WachtWorld.Deployment,
        AppSlug = WachtWorld.AppSlug,
        OAuthClientId = clientId,
        RequestedBy = "input-tests",
    };

    private static RevokeGrant RevokeCommand(string clientId, string grantId) => new()
    {
        CommandId = Guid.NewGuid(),
        DeploymentId = WachtWorld.Deployment,
        AppSlug = WachtWorld.AppSlug,
        OAuthClientId = clientId,
        GrantId = grantId,
        RequestedBy = "input-tests",
    };

    private static SyncScopes SyncCommand(params DesiredScope[] scopes) => new()
    {
        CommandId = Guid.NewGuid(),
        DeploymentId = WachtWorld.Deployment,
        AppSlug = WachtWorld.AppSlug,
        Scopes = scopes,
        RequestedBy = "input-tests",
    };

    public sealed class Fixture : IAsyncLifetime
    {
        public OutgoingRequests Sent { get; } = new();

        public HarnessWorld World { get; private set; } = null!;

        public async Task InitializeAsync() => World = await HarnessWorld.StartAsync(services: Sent.Register);

        public async Task DisposeAsync() => await World.DisposeAsync();
    }
}
