using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.Scopes;
using static Wacht.Worker.Tests.Scopes.ScopeTestData;

namespace Wacht.Worker.Tests.Scopes;

public sealed class ScopePlannerTests
{
    /// <summary>A named planner case: expected steps as <c>action scope</c>, expected conflicts as <c>scope field</c>.</summary>
    private sealed record PlannerCase(OAuthApp Current, SyncScopes Command, string[] Steps, string[]? Conflicts = null);

    private static readonly Dictionary<string, PlannerCase> Cases = new()
    {
        ["no-op"] = new(
            App(Def("reports:read", "Read reports"), Def("reports:write", category: "organization", organizationPermission: "reports:edit")),
            Command(Want("reports:read", "Read reports"), Want("reports:write", category: "organization", organizationPermission: "reports:edit")),
            []),
        ["add one"] = new(
            App(Def("reports:read")),
            Command(Want("reports:read"), Want("reports:write", "Write reports")),
            ["add reports:write"]),
        ["add several (one call)"] = new(
            App(Def("reports:read")),
            Command(Want("b:scope"), Want("a:scope"), Want("reports:read"), Want("c:scope")),
            ["add a:scope", "add b:scope", "add c:scope"]),
        ["add with mapping"] = new(
            App(),
            Command(Want("reports:read", category: "organization", organizationPermission: "reports:view")),
            ["add reports:read", "set_mapping reports:read"]),
        ["unarchive"] = new(
            App(Def("reports:read", archived: true)),
            Command(Want("reports:read")),
            ["unarchive reports:read"]),
        ["update texts"] = new(
            App(Def("reports:read", "Read reports", "Old")),
            Command(Want("reports:read", "Read all reports", "New")),
            ["update_text reports:read"]),
        ["texts equal after defaults"] = new(
            App(Def("reports:read")),
            Command(Want("reports:read", "", "  ")),
            []),
        ["texts equal after trimming"] = new(
            App(Def("reports:read", "Read reports", "Reads them")),
            Command(Want("reports:read", " Read reports ", "Reads them\n")),
            []),
        ["empty text resets a custom one to the default"] = new(
            App(Def("reports:read", "Custom")),
            Command(Want("reports:read", "")),
            ["update_text reports:read"]),
        ["null texts unmanaged"] = new(
            App(Def("reports:read", "Custom name", "Custom description")),
            Command(Want("reports:read")),
            []),
        ["set mapping on unmapped"] = new(
            App(Def("reports:read")),
            Command(Want("reports:read", category: "organization", organizationPermission: "reports:view")),
            ["set_mapping reports:read"]),
        ["set personal mapping on unmapped"] = new(
            App(Def("profile")),
            Command(Want("profile", category: "personal")),
            ["set_mapping profile"]),
        ["same mapping → nothing"] = new(
            App(Def("reports:read", category: "workspace", workspacePermission: "ws:view")),
            Command(Want("reports:read", category: "workspace", workspacePermission: "ws:view")),
            []),
        ["same category, permission unmanaged → nothing"] = new(
            App(Def("reports:read", category: "organization", organizationPermission: "reports:view")),
            Command(Want("reports:read", category: "organization")),
            []),
        ["same category, permission added → set_mapping"] = new(
            App(Def("reports:read", category: "organization")),
            Command(Want("reports:read", category: "organization", organizationPermission: "reports:view")),
            ["set_mapping reports:read"]),
        ["null category unmanaged"] = new(
            App(Def("reports:read", category: "organization", organizationPermission: "reports:view")),
            Command(Want("reports:read")),
            []),
        ["category change → conflict"] = new(
            App(Def("reports:read", category: "personal"), Def("other")),
            Command(MissingScopeModes.Archive, Want("reports:read", category: "organization"), Want("new")),
            [],
            ["reports:read category"]),
        ["permission change → conflict"] = new(
            App(Def("reports:read", category: "organization", organizationPermission: "reports:view")),
            Command(Want("reports:read", category: "organization", organizationPermission: "reports:admin")),
            [],
            ["reports:read organization_permission"]),
        ["personal with permission → conflict"] = new(
            App(Def("profile")),
            Command(Want("profile", category: "personal", organizationPermission: "reports:view")),
            [],
            ["profile organization_permission"]),
        ["organization with workspace_permission → conflict"] = new(
            App(Def("reports:read")),
            Command(Want("reports:read", category: "organization", workspacePermission: "ws:view")),
            [],
            ["reports:read workspace_permission"]),
        ["workspace with organization_permission → conflict"] = new(
            App(),
            Command(Want("reports:read", category: "workspace", organizationPermission: "reports:view")),
            [],
            ["reports:read organization_permission"]),
        ["several conflicts all listed"] = new(
            App(
                Def("a", category: "personal"),
                Def("b", category: "organization", organizationPermission: "p1"),
                Def("c", category: "workspace", workspacePermission: "w1")),
            Command(
                Want("a", category: "workspace"),
                Want("b", category: "organization", organizationPermission: "p2"),
                Want("c", category: "organization", organizationPermission: "p3"),
                Want("d", category: "personal", workspacePermission: "w2"),
                Want("e", "Would be added without the conflicts")),
            [],
            ["a category", "b organization_permission", "c category", "d workspace_permission"]),
        ["archive missing with archive mode"] = new(
            App(Def("reports:read"), Def("reports:write"), Def("admin")),
            Command(MissingScopeModes.Archive, Want("reports:read")),
            ["archive admin", "archive reports:write"]),
        ["keep mode leaves them"] = new(
            App(Def("reports:read"), Def("reports:write"), Def("admin")),
            Command(MissingScopeModes.Keep, Want("reports:read")),
            []),
        ["archived + not desired + archive mode → nothing"] = new(
            App(Def("reports:read"), Def("legacy", archived: true)),
            Command(MissingScopeModes.Archive, Want("reports:read")),
            []),
        ["empty list with keep → nothing"] = new(
            App(Def("reports:read")),
            Command(MissingScopeModes.Keep),
            []),
        ["ordering of actions"] = new(
            App(
                Def("z:archived", archived: true, displayName: "Old"),
                Def("y:text", "Old"),
                Def("x:unmapped"),
                Def("w:gone"),
                Def("v:gone")),
            Command(
                MissingScopeModes.Archive,
                Want("x:unmapped", category: "personal"),
                Want("y:text", "New"),
                Want("z:archived", "New", category: "personal"),
                Want("b:new", category: "personal"),
                Want("a:new")),
            [
                "add a:new", "add b:new",
                "unarchive z:archived",
                "update_text y:text", "update_text z:archived",
                "set_mapping b:new", "set_mapping x:unmapped", "set_mapping z:archived",
                "archive v:gone", "archive w:gone",
            ]),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Plan_Case_ProducesTheExpectedStepsAndConflicts(string name)
    {
        var c = Cases[name];

        var plan = ScopePlanner.Plan(c.Current, c.Command);

        Assert.Equal(c.Steps, plan.Changes.Select(s => $"{s.Action} {s.Scope}"));
        Assert.Equal(c.Conflicts ?? [], plan.Conflicts.Select(x => $"{x.Scope} {x.Field}"));
        Assert.Equal(plan.Changes.Select(s => s.Change), plan.ScopeChanges);
        Assert.Equal(plan.Changes.Any(s => s.Action == ScopeChangeActions.Add), plan.AddRequest is not null);
    }

    [Fact]
    public void Plan_CategoryChange_IsAConflictAndNothingIsPlanned()
    {
        var app = App(Def("reports:read", category: "personal"), Def("old"));
        var command = Command(MissingScopeModes.Archive, Want("reports:read", "New name", category: "organization"), Want("new"));

        var plan = ScopePlanner.Plan(app, command);

        Assert.True(plan.HasConflicts);
        Assert.Empty(plan.Changes);
        Assert.Null(plan.AddRequest);
        var conflict = Assert.Single(plan.Conflicts);
        Assert.Equal(new ScopeConflict { Scope = "reports:read", Field = "category", Current = "personal", Desired = "organization", Reason = "scope category is immutable once set" }, conflict);
    }

    [Fact]
    public void Plan_PermissionChange_ConflictNamesCurrentDesiredAndRule()
    {
        var app = App(Def("r", category: "workspace", workspacePermission: "ws:view"));

        var plan = ScopePlanner.Plan(app, Command(Want("r", category: "workspace", workspacePermission: "ws:edit")));

        var conflict = Assert.Single(plan.Conflicts);
        Assert.Equal(("workspace_permission", "ws:view", "ws:edit", "workspace_permission is immutable once set"), (conflict.Field, conflict.Current, conflict.Desired, conflict.Reason));
    }

    [Fact]
    public void Plan_PersonalWithPermission_ConflictQuotesTheRule()
    {
        var plan = ScopePlanner.Plan(App(), Command(Want("p", category: "personal", workspacePermission: "ws:view")));

        var conflict = Assert.Single(plan.Conflicts);
        Assert.Equal("workspace_permission", conflict.Field);
        Assert.Contains("personal category cannot map", conflict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_AddSeveral_OneRequestWithFullListAndEveryExistingDefinitionUnchanged()
    {
        var archived = Def("legacy", "Legacy", "Old stuff", archived: true, category: "personal");
        var mapped = Def("reports:read", "Read reports", category: "organization", organizationPermission: "reports:view");
        var app = App(archived, mapped);

        var plan = ScopePlanner.Plan(app, Command(Want("reports:read"), Want("z:new", "New one"), Want("a:new")));

        var request = Assert.IsType<UpdateOAuthAppRequest>(plan.AddRequest);
        Assert.Equal(["a:new", "legacy", "reports:read", "z:new"], request.SupportedScopes);
        var definitions = Assert.IsAssignableFrom<IReadOnlyList<ScopeDefinition>>(request.ScopeDefinitions);
        Assert.Equal(request.SupportedScopes, definitions.Select(d => d.Scope));
        Assert.Same(archived, definitions.Single(d => d.Scope == "legacy"));
        Assert.Same(mapped, definitions.Single(d => d.Scope == "reports:read"));
        Assert.Equal(Def("z:new", "New one"), definitions.Single(d => d.Scope == "z:new"));
        Assert.Equal(Def("a:new"), definitions.Single(d => d.Scope == "a:new"));
        Assert.Null(request.Name);
        Assert.Null(request.IsActive);
    }

    [Fact]
    public void Plan_AddWithTexts_TextsTravelWithTheAddTrimmedAndNoUpdateIsPlanned()
    {
        var plan = ScopePlanner.Plan(App(), Command(Want("r", "  Read  ", "")));

        var step = Assert.Single(plan.Changes);
        Assert.Equal(ScopeChangeActions.Add, step.Action);
        Assert.Equal(Def("r", "Read"), step.Definition);
        Assert.Equal("display_name: \"Read\", description: \"Allows r access\"", step.Change.Detail);
    }

    [Fact]
    public void Plan_AddWithMapping_AddsUnmappedThenSetsTheMappingSeparately()
    {
        var plan = ScopePlanner.Plan(App(), Command(Want("r", category: "organization", organizationPermission: "reports:view")));

        Assert.Equal("", plan.AddRequest!.ScopeDefinitions!.Single().Category);
        Assert.Null(plan.AddRequest.ScopeDefinitions!.Single().OrganizationPermission);
        var mapping = plan.Changes.Single(c => c.Action == ScopeChangeActions.SetMapping);
        Assert.Equal(new SetOAuthScopeMappingRequest { Category = "organization", OrganizationPermission = "reports:view" }, mapping.Mapping);
        Assert.Equal("category: (none) → organization, organization_permission: reports:view", mapping.Change.Detail);
    }

    [Fact]
    public void Plan_UpdateText_SendsOnlyChangedFieldsAndDescribesThem()
    {
        var app = App(Def("r", "Read reports", "Same"));

        var plan = ScopePlanner.Plan(app, Command(Want("r", "Read all reports", "Same")));

        var step = Assert.Single(plan.Changes);
        Assert.Equal(new UpdateOAuthScopeRequest { DisplayName = "Read all reports" }, step.TextUpdate);
        Assert.Equal("display_name: \"Read reports\" → \"Read all reports\"", step.Change.Detail);
    }

    [Fact]
    public void Plan_EmptyTextOverCustom_SendsTheDefaultExplicitly()
    {
        var plan = ScopePlanner.Plan(App(Def("r", "Custom", "Custom too")), Command(Want("r", "", "")));

        var step = Assert.Single(plan.Changes);
        Assert.Equal(new UpdateOAuthScopeRequest { DisplayName = "r", Description = "Allows r access" }, step.TextUpdate);
    }

    [Fact]
    public void Plan_PermissionAddedToSetCategory_RepeatsCategoryAndDescribesOnlyThePermission()
    {
        var plan = ScopePlanner.Plan(App(Def("r", category: "organization")), Command(Want("r", category: "organization", organizationPermission: "reports:view")));

        var step = Assert.Single(plan.Changes);
        Assert.Equal(new SetOAuthScopeMappingRequest { Category = "organization", OrganizationPermission = "reports:view" }, step.Mapping);
        Assert.Equal("organization_permission: (none) → reports:view", step.Change.Detail);
    }

    [Fact]
    public void Plan_ArchiveAndUnarchive_DescribeTheFlag()
    {
        var plan = ScopePlanner.Plan(App(Def("a", archived: true), Def("b")), Command(MissingScopeModes.Archive, Want("a")));

        Assert.Equal(["archived: true → false", "archived: false → true"], plan.Changes.Select(c => c.Change.Detail));
    }

    [Fact]
    public void Plan_SupportedScopeWithoutDefinition_IsKeptByTheAdd()
    {
        var app = new OAuthApp { Id = "1", Slug = "s", SupportedScopes = ["orphan"], ScopeDefinitions = [] };

        var plan = ScopePlanner.Plan(app, Command(Want("new")));

        Assert.Equal(["new", "orphan"], plan.AddRequest!.SupportedScopes);
        Assert.Equal(Def("orphan"), plan.AddRequest.ScopeDefinitions!.Single(d => d.Scope == "orphan"));
    }
}
