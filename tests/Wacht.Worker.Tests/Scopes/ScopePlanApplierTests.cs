using Wacht.Client;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.Scopes;
using static Wacht.Worker.Tests.Scopes.ScopeTestData;

namespace Wacht.Worker.Tests.Scopes;

public sealed class ScopePlanApplierTests
{
    private static readonly SyncScopes FullSpec = Command(
        MissingScopeModes.Archive,
        Want("reports:read", "Read all reports", ""),
        Want("reports:write", category: "organization", organizationPermission: "reports:view"),
        Want("legacy:export", "Export (legacy)"),
        Want("profile", category: "personal"),
        Want("reports:share", "Share reports", "Lets the app share reports", "workspace", workspacePermission: "ws:edit"),
        Want("audit:read"));

    [Fact]
    public async Task Apply_FullSpec_AppMatchesTheSpecAndReplanIsEmptyWithNoWrites()
    {
        await using var world = await ScopeEmulatorWorld.StartAsync();
        var ct = CancellationToken.None;

        var plan = ScopePlanner.Plan(await world.ReadAppAsync(), FullSpec);
        Assert.False(plan.HasConflicts);
        Assert.Equal(
            [
                "add audit:read", "add reports:share",
                "unarchive legacy:export",
                "update_text legacy:export", "update_text reports:read",
                "set_mapping reports:share", "set_mapping reports:write",
                "archive admin",
            ],
            plan.Changes.Select(c => $"{c.Action} {c.Scope}"));

        var result = await ScopePlanApplier.ApplyAsync(world.Client, ScopeEmulatorWorld.AppSlug, plan, ct);

        Assert.Equal(plan.ScopeChanges, result.Applied);
        Assert.Equal(7, result.WriteCalls); // the two adds share one call
        Assert.Equal(7, world.WriteCalls());
        Assert.Equal(1, world.Emulator.Calls.Count(OAuthOperations.UpdateOAuthApp, ScopeEmulatorWorld.DeploymentId));

        var app = await world.ReadAppAsync();
        Assert.Equal(["admin", "audit:read", "legacy:export", "profile", "reports:read", "reports:share", "reports:write"], app.SupportedScopes);
        var byScope = app.ScopeDefinitions.ToDictionary(d => d.Scope);
        Assert.Equal(Def("reports:read", "Read all reports"), byScope["reports:read"]);
        Assert.Equal(Def("reports:write", category: "organization", organizationPermission: "reports:view"), byScope["reports:write"]);
        Assert.Equal(Def("legacy:export", "Export (legacy)", category: "organization", organizationPermission: "reports:admin"), byScope["legacy:export"]);
        Assert.Equal(Def("profile", category: "personal"), byScope["profile"]);
        Assert.Equal(Def("reports:share", "Share reports", "Lets the app share reports", category: "workspace", workspacePermission: "ws:edit"), byScope["reports:share"]);
        Assert.Equal(Def("audit:read"), byScope["audit:read"]);
        Assert.Equal(Def("admin", archived: true), byScope["admin"]);

        var second = ScopePlanner.Plan(app, FullSpec);
        Assert.True(second.IsEmpty);
        var secondResult = await ScopePlanApplier.ApplyAsync(world.Client, ScopeEmulatorWorld.AppSlug, second, ct);
        Assert.Empty(secondResult.Applied);
        Assert.Equal(0, secondResult.WriteCalls);
        Assert.Equal(7, world.WriteCalls());
    }

    [Fact]
    public async Task Apply_Add_PreservesEveryOtherDefinitionExactly()
    {
        await using var world = await ScopeEmulatorWorld.StartAsync();
        var before = await world.ReadAppAsync();

        var plan = ScopePlanner.Plan(before, Command(MissingScopeModes.Keep, Want("new:one", "New one"), Want("new:two")));
        var result = await ScopePlanApplier.ApplyAsync(world.Client, ScopeEmulatorWorld.AppSlug, plan, CancellationToken.None);

        Assert.Equal(1, result.WriteCalls);
        var after = await world.ReadAppAsync();
        Assert.Equal(before.ScopeDefinitions, after.ScopeDefinitions.Where(d => !d.Scope.StartsWith("new:", StringComparison.Ordinal)));
        Assert.Contains(after.ScopeDefinitions, d => d is { Scope: "legacy:export", Archived: true, Category: "organization", OrganizationPermission: "reports:admin" });
        Assert.Equal(Def("new:one", "New one"), after.ScopeDefinitions.Single(d => d.Scope == "new:one"));
        Assert.True(ScopePlanner.Plan(after, Command(Want("new:one", "New one"), Want("new:two"))).IsEmpty);
    }

    [Fact]
    public async Task Apply_PermissionAddedToSetCategory_PlatformAcceptsItAndReplanIsEmpty()
    {
        await using var world = await ScopeEmulatorWorld.StartAsync();
        var command = Command(Want("reports:write", category: "organization", organizationPermission: "reports:view"));

        var plan = ScopePlanner.Plan(await world.ReadAppAsync(), command);
        await ScopePlanApplier.ApplyAsync(world.Client, ScopeEmulatorWorld.AppSlug, plan, CancellationToken.None);

        var app = await world.ReadAppAsync();
        Assert.Equal("reports:view", app.ScopeDefinitions.Single(d => d.Scope == "reports:write").OrganizationPermission);
        Assert.True(ScopePlanner.Plan(app, command).IsEmpty);
    }

    [Fact]
    public async Task Apply_FaultMidPlan_ThrowsInterruptedWithTheAppliedPart()
    {
        await using var world = await ScopeEmulatorWorld.StartAsync();
        world.Emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.ArchiveOAuthScope, ErrorStatus = 400, ErrorMessage = "injected" });
        var plan = ScopePlanner.Plan(await world.ReadAppAsync(), FullSpec);

        var ex = await Assert.ThrowsAsync<ScopeSyncInterruptedException>(
            () => ScopePlanApplier.ApplyAsync(world.Client, ScopeEmulatorWorld.AppSlug, plan, CancellationToken.None));

        Assert.Equal(plan.ScopeChanges.Where(c => c.Action != ScopeChangeActions.Archive), ex.Applied);
        Assert.Equal(6, ex.WriteCalls);
        Assert.Equal(new ScopeChange { Scope = "admin", Action = ScopeChangeActions.Archive, Detail = "archived: false → true" }, ex.FailedChange);
        var inner = Assert.IsType<WachtBadRequestException>(ex.InnerException);
        Assert.Equal("injected", inner.ServerMessage);
        Assert.Contains("archive of scope 'admin'", ex.Message, StringComparison.Ordinal);

        // Re-planning finishes the rest.
        world.Emulator.Faults.Clear();
        var rest = ScopePlanner.Plan(await world.ReadAppAsync(), FullSpec);
        Assert.Equal(["archive admin"], rest.Changes.Select(c => $"{c.Action} {c.Scope}"));
    }

    [Fact]
    public async Task Apply_PermissionMissingFromB2BSettings_SurfacesTheCallsBadRequest()
    {
        await using var world = await ScopeEmulatorWorld.StartAsync();
        var plan = ScopePlanner.Plan(await world.ReadAppAsync(), Command(Want("new", category: "organization", organizationPermission: "no:such")));

        var ex = await Assert.ThrowsAsync<ScopeSyncInterruptedException>(
            () => ScopePlanApplier.ApplyAsync(world.Client, ScopeEmulatorWorld.AppSlug, plan, CancellationToken.None));

        Assert.Equal([ScopeChangeActions.Add], ex.Applied.Select(c => c.Action));
        Assert.Equal(ScopeChangeActions.SetMapping, ex.FailedChange.Action);
        Assert.IsType<WachtBadRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task Apply_PlanWithConflicts_IsRefusedBeforeAnyCall()
    {
        await using var world = await ScopeEmulatorWorld.StartAsync();
        var plan = ScopePlanner.Plan(await world.ReadAppAsync(), Command(Want("profile", category: "organization")));
        Assert.True(plan.HasConflicts);

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => ScopePlanApplier.ApplyAsync(world.Client, ScopeEmulatorWorld.AppSlug, plan, CancellationToken.None));

        Assert.Equal(0, world.WriteCalls());
    }

    [Fact]
    public async Task Apply_CancelledToken_PropagatesCancellationUnwrappedAndWritesNothing()
    {
        await using var world = await ScopeEmulatorWorld.StartAsync();
        var plan = ScopePlanner.Plan(await world.ReadAppAsync(), FullSpec);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => ScopePlanApplier.ApplyAsync(world.Client, ScopeEmulatorWorld.AppSlug, plan, cts.Token));

        Assert.Equal(0, world.WriteCalls());
    }

    [Fact]
    public async Task Apply_FailedAdd_ReportsNothingApplied()
    {
        await using var world = await ScopeEmulatorWorld.StartAsync();
        world.Emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.UpdateOAuthApp, ErrorStatus = 400 });
        var plan = ScopePlanner.Plan(await world.ReadAppAsync(), FullSpec);

        var ex = await Assert.ThrowsAsync<ScopeSyncInterruptedException>(
            () => ScopePlanApplier.ApplyAsync(world.Client, ScopeEmulatorWorld.AppSlug, plan, CancellationToken.None));

        Assert.Empty(ex.Applied);
        Assert.Equal(0, ex.WriteCalls);
        Assert.Equal(new ScopeChange { Scope = "audit:read", Action = ScopeChangeActions.Add, Detail = "display_name: \"audit:read\", description: \"Allows audit:read access\"" }, ex.FailedChange);
    }
}
