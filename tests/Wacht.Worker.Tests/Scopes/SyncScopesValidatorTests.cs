using Wacht.Worker.Contracts;
using Wacht.Worker.Scopes;
using static Wacht.Worker.Tests.Scopes.ScopeTestData;

namespace Wacht.Worker.Tests.Scopes;

public sealed class SyncScopesValidatorTests
{
    private static readonly Dictionary<string, (SyncScopes Command, string[] Fields)> Cases = new()
    {
        ["valid"] = (Command(MissingScopeModes.Archive, Want("reports:read", "Read", "", "organization", "reports:view"), Want("profile", category: "personal"), Want("ws", category: "workspace", workspacePermission: "ws:edit")), []),
        ["empty with keep is a valid no-op"] = (Command(MissingScopeModes.Keep), []),
        ["empty with archive"] = (Command(MissingScopeModes.Archive), ["Scopes"]),
        ["unknown missing-scopes mode"] = (Command("delete", Want("a")), ["MissingScopes"]),
        ["empty missing-scopes mode"] = (Command("", Want("a")), ["MissingScopes"]),
        ["blank scope"] = (Command(Want("a"), Want("  ")), ["Scopes[1].Scope"]),
        ["empty scope"] = (Command(Want("")), ["Scopes[0].Scope"]),
        ["surrounding whitespace"] = (Command(Want("a"), Want("b"), Want(" c")), ["Scopes[2].Scope"]),
        ["space inside"] = (Command(Want("read reports")), ["Scopes[0].Scope"]),
        ["comma inside"] = (Command(Want("read,write")), ["Scopes[0].Scope"]),
        ["control character inside"] = (Command(Want("read\treports")), ["Scopes[0].Scope"]),
        ["double quote inside"] = (Command(Want("read\"reports")), ["Scopes[0].Scope"]),
        ["backslash inside"] = (Command(Want("read\\reports")), ["Scopes[0].Scope"]),
        ["non-ASCII inside"] = (Command(Want("rapports:lire:é")), ["Scopes[0].Scope"]),
        ["too long"] = (Command(Want(new string('a', 129))), ["Scopes[0].Scope"]),
        ["longest accepted"] = (Command(Want(new string('a', 128))), []),
        ["RFC 6749 punctuation accepted"] = (Command(Want("urn:example:reports.read"), Want("a!$%&'()*+-.:;<=>@[]^_`{|}~"), Want("100%"), Want("%zz"), Want("..."), Want(".a"), Want("a.")), []),
        ["dot"] = (Command(Want(".")), ["Scopes[0].Scope"]),
        ["dot-dot"] = (Command(Want("a"), Want("..")), ["Scopes[1].Scope"]),
        ["slash (not one path segment)"] = (Command(Want("https://api.example.com/reports.read")), ["Scopes[0].Scope"]),
        ["dot-dot-slash"] = (Command(Want("../admin")), ["Scopes[0].Scope"]),
        ["question mark"] = (Command(Want("a?b")), ["Scopes[0].Scope"]),
        ["hash"] = (Command(Want("a#b")), ["Scopes[0].Scope"]),
        ["percent-encoded slash"] = (Command(Want("a%2Fb")), ["Scopes[0].Scope"]),
        ["percent-encoded dot"] = (Command(Want("%2e%2E")), ["Scopes[0].Scope"]),
        ["display name too long"] = (Command(Want("a", new string('n', 257))), ["Scopes[0].DisplayName"]),
        ["longest display name"] = (Command(Want("a", new string('n', 256))), []),
        ["description too long"] = (Command(Want("a", "A", new string('d', 1025))), ["Scopes[0].Description"]),
        ["longest description"] = (Command(Want("a", "A", new string('d', 1024))), []),
        ["permission too long"] = (Command(Want("a", category: "organization", organizationPermission: new string('p', 129))), ["Scopes[0].OrganizationPermission"]),
        ["too many scopes"] = (Command([.. Enumerable.Range(0, 1001).Select(i => Want($"s{i}"))]), ["Scopes"]),
        ["most scopes accepted"] = (Command([.. Enumerable.Range(0, 1000).Select(i => Want($"s{i}"))]), []),
        ["duplicate (case-sensitive)"] = (Command(Want("a"), Want("A"), Want("b"), Want("a")), ["Scopes[3].Scope"]),
        ["unknown category"] = (Command(Want("a", category: "team")), ["Scopes[0].Category"]),
        ["category not lowercase"] = (Command(Want("a", category: "Organization")), ["Scopes[0].Category"]),
        ["empty category is unmanaged"] = (Command(Want("a", category: "")), []),
        ["blank organization permission"] = (Command(Want("a", category: "organization", organizationPermission: " ")), ["Scopes[0].OrganizationPermission"]),
        ["empty workspace permission"] = (Command(Want("a", category: "workspace", workspacePermission: "")), ["Scopes[0].WorkspacePermission"]),
        ["permission with surrounding whitespace"] = (Command(Want("a", category: "organization", organizationPermission: "p ")), ["Scopes[0].OrganizationPermission"]),
        ["permission without category"] = (Command(Want("a", workspacePermission: "ws:edit")), ["Scopes[0].WorkspacePermission"]),
        ["permission not fitting the category is left to the planner"] = (Command(Want("a", category: "personal", organizationPermission: "p")), []),
        ["null entry"] = (Command(Want("a"), null!), ["Scopes[1]"]),
        ["every error reported"] = (Command("nope", Want(""), Want("a", category: "x"), Want("a", category: "organization", organizationPermission: "")), ["MissingScopes", "Scopes[0].Scope", "Scopes[1].Category", "Scopes[2].Scope", "Scopes[2].OrganizationPermission"]),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Validate_Case_ReportsExactlyTheOffendingFields(string name)
    {
        var (command, fields) = Cases[name];

        var errors = SyncScopesValidator.Validate(command);

        Assert.Equal(fields, errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Problem)));
    }

    [Fact]
    public void Validate_Duplicate_NamesTheFirstIndex()
    {
        var error = Assert.Single(SyncScopesValidator.Validate(Command(Want("a"), Want("b"), Want("a"))));

        Assert.Equal("Scopes[2].Scope", error.Field);
        Assert.Contains("Scopes[0].Scope", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyListWithArchive_ExplainsTheRisk()
    {
        var error = Assert.Single(SyncScopesValidator.Validate(Command(MissingScopeModes.Archive)));

        Assert.Contains("archive every scope", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Comma_NamesTheCharacter()
    {
        var error = Assert.Single(SyncScopesValidator.Validate(Command(Want("a,b"))));

        Assert.Contains("a comma", error.Problem, StringComparison.Ordinal);
    }
}
