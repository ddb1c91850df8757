using Wacht.Worker.Contracts;
using Wacht.Worker.Tests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Consumers;

public sealed class SyncScopesConsumerTests
{
    private static readonly string[] WriteOperations =
        ["updateOAuthApp", "updateOAuthScope", "archiveOAuthScope", "unarchiveOAuthScope", "setOAuthScopeMapping"];

    /// <summary>The seeded app's scopes as they are, plus <c>reports:export</c>.</summary>
    private static SyncScopes Command(params DesiredScope[] extra) => new()
    {
        CommandId = Guid.NewGuid(),
        DeploymentId = WachtWorld.Deployment,
        AppSlug = WachtWorld.AppSlug,
        Scopes =
        [
            new DesiredScope { Scope = "read:reports", DisplayName = "Read reports", Description = "Read every report", Category = "organization", OrganizationPermission = "org:reports:read" },
            new DesiredScope { Scope = "write:reports", DisplayName = "Write reports", Description = "Create and edit reports" },
            new DesiredScope { Scope = "admin", DisplayName = "Administer", Description = "Everything", Category = "personal" },
            .. extra,
        ],
        RequestedBy = "scope-catalogue-ci",
    };

    private static readonly DesiredScope Export = new()
    {
        Scope = "reports:export",
        DisplayName = "Export reports",
        Description = "Download reports as CSV",
        Category = "workspace",
        WorkspacePermission = "ws:reports:edit",
    };

    private static int Writes(HarnessWorld h) => WriteOperations.Sum(o => h.World.Emulator.Calls.Count(o, WachtWorld.Deployment));

    private static async Task<Client.OAuthApp> AppAsync(HarnessWorld h) =>
        (await h.World.Wacht.ListOAuthAppsAsync()).Single(a => a.Slug == WachtWorld.AppSlug);

    [Fact]
    public async Task Sync_DryRun_ReportsThePlan_AndChangesNothing()
    {
        await using var h = await HarnessWorld.StartAsync();
        var before = await AppAsync(h);
        var command = Command(Export) with { DryRun = true };

        var synced = Assert.IsType<ScopesSynced>(await h.ExecuteAsync(command, command.CommandId));

        Assert.True(synced.DryRun);
        Assert.Equal(0, synced.WriteCalls);
        Assert.Contains(synced.Changes, c => c.Scope == "reports:export" && c.Action == ScopeChangeActions.Add);
        Assert.Equal(0, Writes(h));
        Assert.Equal(before.SupportedScopes, (await AppAsync(h)).SupportedScopes);
    }

    [Fact]
    public async Task Sync_AppliesThePlan_AndTheSameSpecAgainMakesNoWriteCalls()
    {
        await using var h = await HarnessWorld.StartAsync();
        var first = Command(Export);

        var applied = Assert.IsType<ScopesSynced>(await h.ExecuteAsync(first, first.CommandId));

        Assert.False(applied.DryRun);
        Assert.True(applied.WriteCalls > 0);
        var app = await AppAsync(h);
        var export = Assert.Single(app.ScopeDefinitions, d => d.Scope == "reports:export");
        Assert.Equal("Export reports", export.DisplayName);
        Assert.Equal("Download reports as CSV", export.Description);
        Assert.Equal("workspace", export.Category);
        Assert.Equal("ws:reports:edit", export.WorkspacePermission);
        Assert.Contains(app.ScopeDefinitions, d => d.Scope == "legacy:export" && d.Archived);
        Assert.Equal("org:reports:read", app.ScopeDefinitions.Single(d => d.Scope == "read:reports").OrganizationPermission);

        var writesAfterFirst = Writes(h);
        var second = Command(Export);
        var again = Assert.IsType<ScopesSynced>(await h.ExecuteAsync(second, second.CommandId));

        Assert.Empty(again.Changes);
        Assert.Equal(0, again.WriteCalls);
        Assert.Equal(writesAfterFirst, Writes(h));
    }

    [Fact]
    public async Task Sync_Conflicts_AreAllReported_AndNothingIsChanged()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = Command(Export) with
        {
            Scopes =
            [
                new DesiredScope { Scope = "read:reports", Category = "workspace", WorkspacePermission = "ws:reports:edit" },
                new DesiredScope { Scope = "admin", Category = "personal", OrganizationPermission = "org:admin" },
                new DesiredScope { Scope = "write:reports", Description = "changed text that must not be applied" },
                Export,
            ],
        };

        var failed = Assert.IsType<ScopeSyncFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.ScopeConflict, failed.ErrorCode);
        Assert.False(failed.Retryable);
        Assert.Contains(failed.Conflicts, c => c.Scope == "read:reports" && c.Field == "category" && c.Current == "organization" && c.Desired == "workspace");
        Assert.Contains(failed.Conflicts, c => c.Scope == "admin" && c.Field == "organization_permission");
        Assert.Empty(failed.AppliedChanges);
        Assert.Equal(0, Writes(h));
    }

    [Fact]
    public async Task Sync_MalformedScopeNames_FailWithInvalidCommand_NamingEachField()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = Command(
            new DesiredScope { Scope = "has space" },
            new DesiredScope { Scope = "" });

        var failed = Assert.IsType<ScopeSyncFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.InvalidCommand, failed.ErrorCode);
        Assert.Contains(failed.FieldErrors, e => e.Field == "Scopes[3].Scope");
        Assert.Contains(failed.FieldErrors, e => e.Field == "Scopes[4].Scope");
        Assert.Equal(0, h.World.Emulator.Calls.Count("*"));
    }

    [Fact]
    public async Task Sync_ArchiveMode_ArchivesTheScopesTheSpecLacks()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = Command() with
        {
            Scopes = [new DesiredScope { Scope = "read:reports" }, new DesiredScope { Scope = "admin" }],
            MissingScopes = MissingScopeModes.Archive,
        };

        var synced = Assert.IsType<ScopesSynced>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal([("write:reports", ScopeChangeActions.Archive)], synced.Changes.Select(c => (c.Scope, c.Action)));
        Assert.True((await AppAsync(h)).ScopeDefinitions.Single(d => d.Scope == "write:reports").Archived);
    }

    [Fact]
    public async Task Sync_UnknownApp_FailsWithNotFound()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = Command() with { AppSlug = "no-such-app" };

        var failed = Assert.IsType<ScopeSyncFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.NotFound, failed.ErrorCode);
    }
}
