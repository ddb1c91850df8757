using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.Grants;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;
using Wacht.Worker.Rotation;

namespace Wacht.Worker.Tests.Grants;

/// <summary>The credential rules as tables: signing keys against the worker's history, and never-rotated secrets.</summary>
public sealed class CredentialAuditRulesTests
{
    private const string Deployment = "7283910238470100001";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly RotationSweepOptions Sweep = new() { MaxSecretAge = TimeSpan.FromDays(90) };

    private static OAuthApp App(bool active = true) => new() { Id = "100", Slug = "analytics-api", IsActive = active };

    private static OAuthClient Client(DateTimeOffset createdAt, bool active = true, string method = "client_secret_basic") =>
        new() { Id = "200", ClientId = "oc_service", IsActive = active, ClientAuthMethod = method, CreatedAt = createdAt };

    private static SigningKey Key(string kid, string status) => new() { Kid = kid, Status = status, Algorithm = "RS256" };

    private static SigningKeyChange Compromise(string kid) =>
        new(Guid.Parse("0b6f2ad7-8a3c-4d87-9d1e-3f0f5a7c9e11"), Deployment, "analytics-api", SigningKeyChange.Compromise, kid, null, "oas-1-4", Now.AddDays(-1), CommandTriggers.Command, null, null);

    public static TheoryData<string, SigningKey[], SigningKeyChange[], bool, string[]> SigningKeyCases => new()
    {
        // case, keys as listed, the worker's history, app active, kinds found (with kid)
        { "one active key", [Key("oas-1-2", "active"), Key("oas-1-1", "retired")], [], true, [] },
        { "no key at all", [], [], true, ["SigningKeyMissing"] },
        { "only retired keys", [Key("oas-1-1", "retired")], [], true, ["SigningKeyMissing"] },
        { "an inactive app needs no key", [], [], false, [] },
        { "listed as compromised", [Key("oas-1-2", "active"), Key("oas-1-1", "compromised")], [], true, ["CompromisedSigningKeyListed:oas-1-1"] },
        { "compromised by this worker, still listed active", [Key("oas-1-3", "active")], [Compromise("oas-1-3")], true, ["CompromisedSigningKeyListed:oas-1-3"] },
        { "compromised by this worker, no longer listed", [Key("oas-1-4", "active")], [Compromise("oas-1-3")], true, [] },
        { "both kinds, in kind order", [Key("oas-1-3", "retired")], [Compromise("oas-1-3")], true, ["SigningKeyMissing", "CompromisedSigningKeyListed:oas-1-3"] },
    };

    [Theory]
    [MemberData(nameof(SigningKeyCases))]
    public void EvaluateSigningKeys(string @case, SigningKey[] keys, SigningKeyChange[] history, bool appActive, string[] expected)
    {
        var findings = CredentialAuditRules.EvaluateSigningKeys(App(appActive), keys, history);

        Assert.True(expected.SequenceEqual(findings.Select(f => f.Kid is null ? f.Kind : $"{f.Kind}:{f.Kid}")), @case);
    }

    [Fact]
    public void SecretNeverRotated_FromExactlyTheMaximumAge_NamingTheSweepsCommandId()
    {
        var finding = CredentialAuditRules.EvaluateSecret(Deployment, App(), Client(Now.AddDays(-90)), null, Now, Sweep, TargetFilter.All);

        Assert.NotNull(finding);
        Assert.Equal(FindingKinds.SecretNeverRotated, finding.Kind);
        Assert.Equal(RotationPolicy.CommandId(Deployment, "200", RotationPolicy.WindowStart(Now, Sweep.CommandWindow)), finding.RotateCommandId);
        Assert.Null(CredentialAuditRules.EvaluateSecret(Deployment, App(), Client(Now.AddDays(-90).AddTicks(1)), null, Now, Sweep, TargetFilter.All));
    }

    [Fact]
    public void SecretRotatedByTheWorker_OrNotRotatable_HasNoFinding()
    {
        var old = Now.AddYears(-2);
        var rotation = new RotationRecord(Guid.NewGuid(), Deployment, "analytics-api", "200", "oc_service", Now.AddYears(-1), CommandTriggers.Command, null, null, "file", "k", "abc");
        Assert.Null(CredentialAuditRules.EvaluateSecret(Deployment, App(), Client(old), rotation, Now, Sweep, TargetFilter.All));
        Assert.Null(CredentialAuditRules.EvaluateSecret(Deployment, App(), Client(old, active: false), null, Now, Sweep, TargetFilter.All));
        Assert.Null(CredentialAuditRules.EvaluateSecret(Deployment, App(active: false), Client(old), null, Now, Sweep, TargetFilter.All));
        Assert.Null(CredentialAuditRules.EvaluateSecret(Deployment, App(), Client(old, method: "private_key_jwt"), null, Now, Sweep, TargetFilter.All));
    }

    [Fact]
    public void SecretNeverRotated_LeftOutByTheSweepsFilters_IsReported_WithoutACommandId()
    {
        var finding = CredentialAuditRules.EvaluateSecret(Deployment, App(), Client(Now.AddYears(-1)), null, Now, Sweep, new TargetFilter([], ["*/analytics-*"]));

        Assert.NotNull(finding);
        Assert.Null(finding.RotateCommandId);
        Assert.Contains("leave it out", finding.Detail, StringComparison.Ordinal);
    }
}
