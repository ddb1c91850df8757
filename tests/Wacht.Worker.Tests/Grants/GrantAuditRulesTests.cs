using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.Grants;

namespace Wacht.Worker.Tests.Grants;

public sealed class GrantAuditRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static OAuthApp App(bool active = true) => new()
    {
        Id = "100",
        Slug = "analytics-api",
        IsActive = active,
        SupportedScopes = ["analytics:read", "read", "reports:legacy", "write"],
        ScopeDefinitions =
        [
            new ScopeDefinition { Scope = "analytics:read" },
            new ScopeDefinition { Scope = "reports:legacy", Archived = true },
        ],
    };

    private static OAuthClient Client(bool active = true) => new() { Id = "200", ClientId = "oc_public", IsActive = active };

    private static OAuthGrant Grant(
        string[]? scopes = null, DateTimeOffset? expiresAt = null, string status = GrantStatuses.Active, DateTimeOffset? grantedAt = null) => new()
        {
            Id = "300",
            Scopes = scopes ?? ["read"],
            Status = status,
            GrantedAt = grantedAt ?? Now.AddDays(-10),
            ExpiresAt = expiresAt,
        };

    private static IReadOnlyList<GrantRuleFinding> Evaluate(
        OAuthGrant grant, OAuthApp? app = null, OAuthClient? client = null, GrantAuditOptions? options = null) =>
        GrantAuditRules.Evaluate(app ?? App(), client ?? Client(), grant, Now, options ?? new GrantAuditOptions());

    [Fact]
    public void HealthyActiveGrant_HasNoFindings() =>
        Assert.Empty(Evaluate(Grant(["read", "analytics:read"], expiresAt: Now.AddDays(1))));

    [Fact]
    public void ExpiryInThePast_IsExpiredButActive_NamingTheExpiry()
    {
        var finding = Assert.Single(Evaluate(Grant(expiresAt: new DateTimeOffset(2026, 10, 1, 8, 0, 0, TimeSpan.Zero))));
        Assert.Equal(new GrantRuleFinding(FindingKinds.ExpiredButActive, "expired 2026-10-01T08:00:00Z"), finding);
    }

    [Fact]
    public void ExpiryExactlyNow_IsExpired_AndOneTickLaterIsNot()
    {
        Assert.Equal(FindingKinds.ExpiredButActive, Assert.Single(Evaluate(Grant(expiresAt: Now))).Kind);
        Assert.Empty(Evaluate(Grant(expiresAt: Now.AddTicks(1))));
    }

    [Fact]
    public void ExpiryDetail_IsInvariantUtc_WithFractionsOnlyWhenPresent()
    {
        var offset = new DateTimeOffset(2026, 10, 1, 10, 15, 30, 123, TimeSpan.FromHours(2)).AddTicks(4560);
        Assert.Equal("expired 2026-10-01T08:15:30.123456Z", Assert.Single(Evaluate(Grant(expiresAt: offset))).Detail);
    }

    [Fact]
    public void ScopesNotInSupportedScopes_AreScopeNotSupported_SortedAndDistinct()
    {
        var finding = Assert.Single(Evaluate(Grant(["zeta:admin", "read", "analytics:admin", "zeta:admin"])));
        Assert.Equal(new GrantRuleFinding(FindingKinds.ScopeNotSupported, "scopes not supported: analytics:admin, zeta:admin"), finding);
    }

    [Fact]
    public void ScopeMatching_IsOrdinal()
    {
        var finding = Assert.Single(Evaluate(Grant(["READ"])));
        Assert.Equal(FindingKinds.ScopeNotSupported, finding.Kind);
    }

    [Fact]
    public void ScopesWithArchivedDefinitions_AreScopeArchived()
    {
        var finding = Assert.Single(Evaluate(Grant(["reports:legacy", "read"])));
        Assert.Equal(new GrantRuleFinding(FindingKinds.ScopeArchived, "scopes archived: reports:legacy"), finding);
    }

    [Fact]
    public void InactiveClient_IsClientInactive()
    {
        var finding = Assert.Single(Evaluate(Grant(), client: Client(active: false)));
        Assert.Equal(new GrantRuleFinding(FindingKinds.ClientInactive, "client oc_public is inactive"), finding);
    }

    [Fact]
    public void InactiveApp_IsAppInactive()
    {
        var finding = Assert.Single(Evaluate(Grant(), app: App(active: false)));
        Assert.Equal(new GrantRuleFinding(FindingKinds.AppInactive, "app analytics-api is inactive"), finding);
    }

    [Fact]
    public void MaxGrantAge_IsOffByDefault()
    {
        Assert.Null(new GrantAuditOptions().MaxGrantAge);
        Assert.Empty(Evaluate(Grant(grantedAt: Now.AddYears(-10))));
    }

    [Fact]
    public void GrantOlderThanMaxAge_IsOlderThanMaxAge_AndExactlyMaxAgeIsNot()
    {
        var options = new GrantAuditOptions { MaxGrantAge = TimeSpan.FromDays(90) };
        var finding = Assert.Single(Evaluate(Grant(grantedAt: Now.AddDays(-90).AddTicks(-1)), options: options));
        Assert.Equal(FindingKinds.OlderThanMaxAge, finding.Kind);
        Assert.Equal("granted 2026-08-29T11:59:59.9999999Z, older than 90.00:00:00", finding.Detail);
        Assert.Empty(Evaluate(Grant(grantedAt: Now.AddDays(-90)), options: options));
    }

    [Theory]
    [InlineData(GrantStatuses.Revoked)]
    [InlineData("suspended")]
    public void GrantsThatAreNotActive_NeverHaveFindings(string status)
    {
        var everything = Grant(["reports:legacy", "nope"], expiresAt: Now.AddDays(-1), status: status, grantedAt: Now.AddYears(-5));
        Assert.Empty(Evaluate(everything, App(active: false), Client(active: false), new GrantAuditOptions { MaxGrantAge = TimeSpan.FromDays(1) }));
    }

    [Fact]
    public void OneGrant_CanHaveEveryKind_EachItsOwnFinding_InKindOrder()
    {
        var grant = Grant(["reports:legacy", "nope"], expiresAt: Now.AddDays(-1), grantedAt: Now.AddYears(-5));
        var findings = Evaluate(grant, App(active: false), Client(active: false), new GrantAuditOptions { MaxGrantAge = TimeSpan.FromDays(1) });
        Assert.Equal(FindingKinds.Grant, findings.Select(f => f.Kind));
    }

    [Fact]
    public void Evaluation_IsDeterministic_SoTheDetailHashIsStable()
    {
        var grant = Grant(["write", "nope", "reports:legacy", "also-nope"], expiresAt: Now.AddDays(-3));
        var first = Evaluate(grant).Select(f => GrantAuditRules.HashDetail(f.Detail));
        var second = Evaluate(grant with { Scopes = ["also-nope", "reports:legacy", "nope", "write"] }).Select(f => GrantAuditRules.HashDetail(f.Detail));
        Assert.Equal(first, second);
        Assert.Equal(64, GrantAuditRules.HashDetail("x").Length);
    }
}
