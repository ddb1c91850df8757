using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Wacht.Client;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.Grants;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;
using Wacht.Worker.Rotation;

namespace Wacht.Worker.Tests.Grants;

/// <summary>The audit against the emulator's demo seed (deploy/emulator/demo-seed.json) at 2026-11-27T12:00:00Z.</summary>
public sealed class GrantAuditDemoSeedTests
{
    private const string P = AuditWorld.Production;
    private const string S = AuditWorld.Staging;

    /// <summary>
    /// Every (deployment, grant, kind) the demo seed must yield at 2026-11-27T12:00:00Z, derived by reading the seed.
    /// Grants without a line here are healthy (active, unexpired, supported and unarchived scopes, active client and app)
    /// or revoked (…004, …023, staging …005), which never produce findings.
    /// </summary>
    private static readonly (string Deployment, string Grant, string Kind)[] Expected =
    [
        // acme-production / analytics-api (active app; reports:legacy archived; analytics:admin not supported)
        (P, "7283910238471500003", FindingKinds.ExpiredButActive), // analytics-dashboard, expired 2026-10-01
        (P, "7283910238471500005", FindingKinds.ScopeArchived),    // analytics-dashboard, holds reports:legacy
        (P, "7283910238471500006", FindingKinds.ScopeNotSupported), // analytics-dashboard, holds analytics:admin
        (P, "7283910238471500009", FindingKinds.ExpiredButActive), // analytics-mobile, expired 2026-11-16
        (P, "7283910238471500015", FindingKinds.ScopeArchived),    // report-exporter-v1 (inactive), reports:legacy
        (P, "7283910238471500015", FindingKinds.ClientInactive),
        (P, "7283910238471500016", FindingKinds.ClientInactive),   // report-exporter-v1, otherwise healthy
        // acme-production / billing-portal (active app, nothing archived)
        (P, "7283910238471500020", FindingKinds.ExpiredButActive), // billing-web, expired 2026-11-24
        (P, "7283910238471500022", FindingKinds.ExpiredButActive), // finance-backoffice, expired 2026-08-21
        (P, "7283910238471500026", FindingKinds.ExpiredButActive), // billing-cli, expired 2026-05-04
        // acme-production / legacy-partner-integration (inactive app)
        (P, "7283910238471500029", FindingKinds.AppInactive),      // partner-sftp-bridge, no expiry
        (P, "7283910238471500030", FindingKinds.ExpiredButActive), // partner-sftp-bridge, expired 2025-01-10
        (P, "7283910238471500030", FindingKinds.AppInactive),
        (P, "7283910238471500032", FindingKinds.ClientInactive),   // partner-portal-old (inactive client)
        (P, "7283910238471500032", FindingKinds.AppInactive),
        // acme-staging
        (S, "7283910238472500002", FindingKinds.ExpiredButActive), // staging-dashboard, expired 2026-11-22
        (S, "7283910238472500010", FindingKinds.ExpiredButActive), // support-console, expired 2026-11-26T19:30
                                                                   // (support:tickets is supported once the app's list is normalised)
    ];

    private static readonly string[] ExpiredGrants =
        [.. Expected.Where(e => e.Kind == FindingKinds.ExpiredButActive).Select(e => e.Grant)];

    private static JobRunRequest Manual(bool? dryRun = null) => new(JobTriggers.Manual, DryRun: dryRun, Instance: "test", CollectItems: true);

    private static Action<Dictionary<string, string?>> Settings(params (string Key, string Value)[] pairs) => s =>
    {
        foreach (var (key, value) in pairs)
        {
            s[$"Worker:GrantAudit:{key}"] = value;
        }
    };

    [Fact]
    public async Task ReportOnly_FindsExactlyTheSeedsProblems_PublishesEach_AndSendsNothing()
    {
        await using var w = await AuditWorld.StartAsync(AuditWorld.DemoSeed());

        var report = await w.Audit.RunAsync(Manual(), CancellationToken.None);

        Assert.Equal(
            Expected.Order(),
            report.Findings.Select(f => (f.DeploymentId, f.GrantId, f.Kind)).Order());
        Assert.All(report.Findings, f => Assert.Equal(FindingRemediations.Reported, f.Remediation));
        Assert.All(report.Findings, f => Assert.Null(f.RevokeCommandId));
        var summary = report.Summary;
        Assert.Equal((2, 5, 15, 24), (summary.Deployments, summary.Apps, summary.Clients, summary.Grants));
        Assert.Equal(
            new Dictionary<string, int>
            {
                [FindingKinds.ExpiredButActive] = 8,
                [FindingKinds.ScopeNotSupported] = 1,
                [FindingKinds.ScopeArchived] = 2,
                [FindingKinds.ClientInactive] = 3,
                [FindingKinds.AppInactive] = 3,
                [FindingKinds.OlderThanMaxAge] = 0,
                [FindingKinds.SigningKeyMissing] = 0,
                [FindingKinds.CompromisedSigningKeyListed] = 0,
                [FindingKinds.SecretNeverRotated] = 4,
            },
            summary.FindingsByKind);
        Assert.Equal((21, 0, 0, 0), (summary.FindingsPublished, summary.FindingsSuppressed, summary.RevocationsRequested, summary.RevocationsDeferred));
        Assert.Empty(summary.Errors);
        Assert.Equal(17, w.PublishedFindings().Count);

        // The active clients with a secret, in active apps, created at least 90 days before Now and never rotated by
        // this worker (every app lists an active signing key: the emulator makes one on first use). Each names the
        // sweep's RotateSecret id for the client in this window.
        Assert.Equal(
            [("7283910238470100001", "7283910238471500007"), ("7283910238470100001", "7283910238471500012"),
             ("7283910238470100001", "7283910238471500025"), ("7283910238470200002", "7283910238472500006")],
            report.CredentialFindings.Select(f => (f.DeploymentId, f.OAuthClientId!)));
        Assert.All(report.CredentialFindings, f =>
        {
            Assert.Equal(FindingKinds.SecretNeverRotated, f.Kind);
            Assert.Equal(RotationPolicy.CommandId(f.DeploymentId, f.OAuthClientId!, RotationPolicy.WindowStart(AuditWorld.Now, TimeSpan.FromDays(1))), f.RotateCommandId);
            Assert.Contains($"due for rotation: the rotation sweep's RotateSecret for this window is {f.RotateCommandId}", f.Detail, StringComparison.Ordinal);
        });
        Assert.Equal(4, w.Harness.Published.Select(_ => true).Select(m => m.MessageObject).OfType<CredentialAuditFinding>().Count());
        Assert.Empty(w.SentRevocations());

        var expired = report.Findings.Single(f => f.GrantId == "7283910238471500003");
        Assert.Equal("expired 2026-10-01T08:00:00Z", expired.Detail);
        Assert.Equal("analytics-api", expired.AppSlug);
        Assert.Equal("7283910238471500007", expired.OAuthClientId);
        Assert.Equal("oc_-RTbSlOjOaGgSxpoWD-LySCJp_SR2mdk", expired.ClientId);
        Assert.Equal(AuditWorld.Now, expired.DetectedAt);
        Assert.Equal(summary.RunId, expired.RunId);
        Assert.Equal("scopes not supported: analytics:admin", report.Findings.Single(f => f.Kind == FindingKinds.ScopeNotSupported).Detail);

        var run = Assert.Single(await w.RunsAsync());
        Assert.Equal((summary.RunId, JobNames.GrantAudit, JobTriggers.Manual, false, true, "test"), (run.RunId, run.Job, run.Trigger, run.DryRun, run.Succeeded, run.Instance));
        using var json = JsonDocument.Parse(run.SummaryJson);
        Assert.Equal(24, json.RootElement.GetProperty("grants").GetInt32());
        Assert.Equal(summary, Assert.Single(w.Harness.Published.Select(_ => true).Select(m => m.MessageObject).OfType<GrantAuditCompleted>()));
    }

    [Fact]
    public async Task WithoutCollectItems_TheReportHoldsNoFindings_ButTheSummaryCountsThem()
    {
        await using var w = await AuditWorld.StartAsync(AuditWorld.DemoSeed());

        var report = await w.Audit.RunAsync(new JobRunRequest(JobTriggers.Schedule), CancellationToken.None);

        Assert.Empty(report.Findings);
        Assert.Empty(report.CredentialFindings);
        Assert.Equal(21, report.Summary.FindingsPublished);
    }

    /// <summary>
    /// Merge of issues 13 and 14: credential findings stream to the sink like grant findings (nothing collected), and
    /// are de-duplicated through the same batched records: a second run within the interval publishes none of them.
    /// </summary>
    [Fact]
    public async Task CredentialFindings_StreamToTheSink_AndAreDeDuplicated()
    {
        await using var w = await AuditWorld.StartAsync(AuditWorld.DemoSeed());
        var sink = new CollectingSink();

        var report = await w.Audit.RunAsync(new JobRunRequest(JobTriggers.Schedule), sink, CancellationToken.None);

        Assert.Empty(report.Findings);
        Assert.Empty(report.CredentialFindings);
        Assert.Equal(Expected.Order(), sink.Grants.Select(f => (f.DeploymentId, f.GrantId, f.Kind)).Order());
        Assert.Equal(
            [("7283910238470100001", "7283910238471500007"), ("7283910238470100001", "7283910238471500012"),
             ("7283910238470100001", "7283910238471500025"), ("7283910238470200002", "7283910238472500006")],
            sink.Credentials.Select(f => (f.DeploymentId, f.OAuthClientId!)).Order());
        Assert.All(sink.Credentials, f => Assert.Equal(FindingKinds.SecretNeverRotated, f.Kind));
        Assert.Equal(21, report.Summary.FindingsPublished);

        var second = await w.Audit.RunAsync(new JobRunRequest(JobTriggers.Schedule), new CollectingSink(), CancellationToken.None);
        Assert.Equal((0, 21), (second.Summary.FindingsPublished, second.Summary.FindingsSuppressed));
        Assert.Equal(4, w.Harness.Published.Select(_ => true).Select(m => m.MessageObject).OfType<CredentialAuditFinding>().Count());
    }

    private sealed class CollectingSink : IGrantAuditSink
    {
        public List<GrantAuditFinding> Grants { get; } = [];

        public List<CredentialAuditFinding> Credentials { get; } = [];

        public ValueTask WriteAsync(IReadOnlyList<GrantAuditFinding> findings, CancellationToken cancellationToken)
        {
            Grants.AddRange(findings);
            return ValueTask.CompletedTask;
        }

        public ValueTask WriteCredentialsAsync(IReadOnlyList<CredentialAuditFinding> findings, CancellationToken cancellationToken)
        {
            Credentials.AddRange(findings);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task SecondRun_WithinRepublishInterval_SuppressesUnchanged_PublishesChangedAtOnce_AndAfterTheIntervalAgain()
    {
        await using var w = await AuditWorld.StartAsync(AuditWorld.DemoSeed());
        var first = await w.Audit.RunAsync(Manual(), CancellationToken.None);
        // 17 grant findings and 4 SecretNeverRotated (see ReportOnly_…): the credential findings are de-duplicated alike.
        Assert.Equal(21, first.Summary.FindingsPublished);
        Assert.Equal(21, (await w.PublishedFindingRecordsAsync()).Count);

        w.Clock.Advance(TimeSpan.FromHours(1));
        var second = await w.Audit.RunAsync(Manual(), CancellationToken.None);
        Assert.Equal((0, 21), (second.Summary.FindingsPublished, second.Summary.FindingsSuppressed));
        Assert.Equal(17, w.PublishedFindings().Count);

        // Archiving "read" changes the detail of grant …005's ScopeArchived finding ("read, reports:legacy") and adds new
        // ScopeArchived findings for the other active grants holding "read"; …015's finding is unchanged.
        await w.Wacht(P).ArchiveOAuthScopeAsync("analytics-api", "read");
        w.Clock.Advance(TimeSpan.FromHours(1));
        var third = await w.Audit.RunAsync(Manual(), CancellationToken.None);
        var published = w.PublishedFindings().Where(f => f.RunId == third.Summary.RunId).ToList();
        var changed = Assert.Single(published, f => f.GrantId == "7283910238471500005");
        Assert.Equal("scopes archived: read, reports:legacy", changed.Detail);
        Assert.DoesNotContain(published, f => f.GrantId == "7283910238471500015");
        // New: …002, …008, …009, …011 (active app clients holding "read") and …016 (inactive client, holds "read").
        Assert.Equal(
            ["7283910238471500002", "7283910238471500005", "7283910238471500008", "7283910238471500009", "7283910238471500011", "7283910238471500016"],
            published.Select(f => f.GrantId).Order());
        Assert.All(published, f => Assert.Equal(FindingKinds.ScopeArchived, f.Kind));
        Assert.Equal(21 + 5 - 6, third.Summary.FindingsSuppressed);

        // A day after the first publication, everything unchanged since then is published again.
        w.Clock.Advance(TimeSpan.FromHours(22));
        var fourth = await w.Audit.RunAsync(Manual(), CancellationToken.None);
        Assert.Equal(21 - 1, fourth.Summary.FindingsPublished);
        Assert.Equal(6, fourth.Summary.FindingsSuppressed);
    }

    [Fact]
    public async Task ResolvedFinding_ThatComesBack_IsPublishedAgainAtOnce()
    {
        await using var w = await AuditWorld.StartAsync(AuditWorld.DemoSeed());
        await w.Audit.RunAsync(Manual(), CancellationToken.None);

        // Un-archiving reports:legacy resolves the ScopeArchived findings of …005 and …015: they are forgotten.
        await w.Wacht(P).UnarchiveOAuthScopeAsync("analytics-api", "reports:legacy");
        w.Clock.Advance(TimeSpan.FromHours(1));
        var resolved = await w.Audit.RunAsync(Manual(), CancellationToken.None);
        Assert.Equal((0, 19), (resolved.Summary.FindingsPublished, resolved.Summary.FindingsSuppressed));
        Assert.Equal(19, (await w.PublishedFindingRecordsAsync()).Count);

        // Archived again an hour later, well within RepublishAfter: news, published at once.
        await w.Wacht(P).ArchiveOAuthScopeAsync("analytics-api", "reports:legacy");
        w.Clock.Advance(TimeSpan.FromHours(1));
        var back = await w.Audit.RunAsync(Manual(), CancellationToken.None);
        var published = w.PublishedFindings().Where(f => f.RunId == back.Summary.RunId).ToList();
        Assert.Equal(["7283910238471500005", "7283910238471500015"], published.Select(f => f.GrantId).Order());
        Assert.All(published, f => Assert.Equal(FindingKinds.ScopeArchived, f.Kind));
    }

    [Fact]
    public async Task RevokeConfigured_SendsOneRevokeGrantPerGrant_WithAuditTriggerAndDeterministicId()
    {
        await using var w = await AuditWorld.StartAsync(
            AuditWorld.DemoSeed(),
            Settings(("Remediation:ExpiredButActive", "Revoke"), ("Remediation:AppInactive", "Revoke")));

        var report = await w.Audit.RunAsync(Manual(dryRun: false), CancellationToken.None);

        // 8 expired grants plus …029 and …032 (app inactive); …030 is both and gets one command.
        var sent = w.SentRevocations();
        string[] grants = [.. ExpiredGrants.Append("7283910238471500029").Append("7283910238471500032").Order()];
        Assert.Equal(grants, sent.Select(c => c.GrantId).Order());
        Assert.All(sent, c =>
        {
            Assert.Equal(Wacht.Worker.Grants.GrantAudit.RevokeCommandId(c.DeploymentId, c.GrantId, AuditWorld.Now), c.CommandId);
            Assert.Equal(CommandTriggers.Audit, c.Trigger);
            Assert.Equal("wacht-worker grant audit", c.RequestedBy);
        });
        Assert.Equal("grant audit: ExpiredButActive, AppInactive", sent.Single(c => c.GrantId == "7283910238471500030").Reason);
        Assert.Equal("grant audit: AppInactive", sent.Single(c => c.GrantId == "7283910238471500032").Reason);
        Assert.Equal((10, 0), (report.Summary.RevocationsRequested, report.Summary.RevocationsDeferred));

        // Every finding of a revoked grant carries its command, whatever its own kind; the others are reported only.
        var revokedClientInactive = report.Findings.Single(f => f.GrantId == "7283910238471500032" && f.Kind == FindingKinds.ClientInactive);
        Assert.Equal(FindingRemediations.RevokeRequested, revokedClientInactive.Remediation);
        Assert.Equal(sent.Single(c => c.GrantId == "7283910238471500032").CommandId, revokedClientInactive.RevokeCommandId);
        Assert.All(report.Findings.Where(f => f.GrantId is "7283910238471500015" or "7283910238471500005"), f => Assert.Equal(FindingRemediations.Reported, f.Remediation));
    }

    [Fact]
    public async Task RevocationCap_IsSharedAcrossParallelVisits_AndTheRestIsDeferred()
    {
        await using var w = await AuditWorld.StartAsync(
            AuditWorld.DemoSeed(),
            Settings(("Remediation:ExpiredButActive", "Revoke"), ("MaxRevocationsPerRun", "3"), ("MaxParallelism", "8")));

        var report = await w.Audit.RunAsync(Manual(), CancellationToken.None);

        Assert.Equal(3, w.SentRevocations().Count);
        Assert.Equal((3, 5), (report.Summary.RevocationsRequested, report.Summary.RevocationsDeferred));
        var expired = report.Findings.Where(f => f.Kind == FindingKinds.ExpiredButActive).ToList();
        Assert.Equal(3, expired.Count(f => f.Remediation == FindingRemediations.RevokeRequested && f.RevokeCommandId is not null));
        Assert.Equal(5, expired.Count(f => f.Remediation == FindingRemediations.RevokeDeferred && f.RevokeCommandId is null));
    }

    [Fact]
    public async Task DryRun_PublishesNoFinding_AndRecordsNone_SoTheRealRunPublishesThemAll()
    {
        await using var w = await AuditWorld.StartAsync(AuditWorld.DemoSeed());

        var dry = await w.Audit.RunAsync(Manual(dryRun: true), CancellationToken.None);

        Assert.True(dry.Summary.DryRun);
        Assert.Equal((21, 0), (dry.Summary.FindingsPublished, dry.Summary.FindingsSuppressed));
        Assert.Equal(17, dry.Findings.Count);
        Assert.Empty(w.PublishedFindings());
        Assert.Empty(await w.PublishedFindingRecordsAsync());

        var real = await w.Audit.RunAsync(Manual(dryRun: false), CancellationToken.None);

        Assert.Equal((21, 0), (real.Summary.FindingsPublished, real.Summary.FindingsSuppressed));
        Assert.Equal(17, w.PublishedFindings().Count);
        Assert.All(w.PublishedFindings(), f => Assert.Equal(real.Summary.RunId, f.RunId));
        Assert.Equal(21, (await w.PublishedFindingRecordsAsync()).Count);
        var summaries = w.Harness.Published.Select(_ => true).Select(m => m.MessageObject).OfType<GrantAuditCompleted>().ToList();
        Assert.Equal([true, false], summaries.OrderBy(m => m.StartedAt).Select(m => m.DryRun));
    }

    [Fact]
    public async Task DryRun_DoesNotForgetAResolvedFinding()
    {
        await using var w = await AuditWorld.StartAsync(AuditWorld.DemoSeed());
        await w.Audit.RunAsync(Manual(dryRun: false), CancellationToken.None);
        var recorded = await w.PublishedFindingRecordsAsync();
        // The expired grant is revoked at Wacht: its ExpiredButActive finding no longer holds.
        await w.Wacht(AuditWorld.Production).RevokeOAuthGrantAsync("analytics-api", "7283910238471500007", "7283910238471500003");

        var dry = await w.Audit.RunAsync(Manual(dryRun: true), CancellationToken.None);

        Assert.DoesNotContain(dry.Findings, f => f.GrantId == "7283910238471500003");
        Assert.Equal((0, 20), (dry.Summary.FindingsPublished, dry.Summary.FindingsSuppressed));
        Assert.Equal(recorded.OrderBy(f => (f.GrantId, f.Kind)), (await w.PublishedFindingRecordsAsync()).OrderBy(f => (f.GrantId, f.Kind)));
        Assert.Equal(17, w.PublishedFindings().Count);
    }

    [Fact]
    public async Task DryRun_SendsNothing_AndReportsWouldRevoke()
    {
        await using var w = await AuditWorld.StartAsync(AuditWorld.DemoSeed(), Settings(("Remediation:ExpiredButActive", "Revoke")));

        var report = await w.Audit.RunAsync(Manual(dryRun: true), CancellationToken.None);

        Assert.Empty(w.SentRevocations());
        Assert.True(report.Summary.DryRun);
        Assert.Equal((8, 0), (report.Summary.RevocationsRequested, report.Summary.RevocationsDeferred));
        Assert.All(report.Findings.Where(f => f.Kind == FindingKinds.ExpiredButActive), f =>
        {
            Assert.Equal(FindingRemediations.WouldRevoke, f.Remediation);
            Assert.Null(f.RevokeCommandId);
        });
        Assert.True(Assert.Single(await w.RunsAsync()).DryRun);
    }

    [Fact]
    public async Task RevokeThatFailedForGood_IsNotResentTheSameDay_TakesNoSlot_AndIsRetriedTheNextDay()
    {
        await using var w = await AuditWorld.StartAsync(AuditWorld.DemoSeed(), Settings(("Remediation:ExpiredButActive", "Revoke")));
        // Wacht refuses every revoke with a 400: a permanent failure (a 401/403 would be retryable: a fixed key helps).
        w.Emulator.Faults.Add(new FaultRule { Operation = WachtWorldOperations.Revoke, ErrorStatus = 400 });

        var first = await w.Audit.RunAsync(Manual(), CancellationToken.None);
        Assert.Equal(8, first.Summary.RevocationsRequested);
        var failed = await WaitForAsync(w, () => w.Harness.Published.Select(_ => true).Select(m => m.MessageObject).OfType<GrantRevocationFailed>().ToList(), 8);
        Assert.All(failed, f => Assert.False(f.Retryable));

        // An hour later the same day: the ledger says today's command failed for good, so nothing is sent again.
        w.Clock.Advance(TimeSpan.FromHours(1));
        var second = await w.Audit.RunAsync(Manual(), CancellationToken.None);
        Assert.Equal((0, 8), (second.Summary.RevocationsRequested, second.Summary.RevocationsFailed));
        Assert.All(second.Findings.Where(f => ExpiredGrants.Contains(f.GrantId)), f => Assert.Equal(FindingRemediations.RevokeFailed, f.Remediation));
        var revokeCalls = w.Emulator.Calls.Count(WachtWorldOperations.Revoke, P) + w.Emulator.Calls.Count(WachtWorldOperations.Revoke, S);

        // The cause is gone; the next day the audit sends new commands and the grants are revoked.
        w.Emulator.Faults.Clear();
        w.Clock.Advance(TimeSpan.FromDays(1));
        var third = await w.Audit.RunAsync(Manual(), CancellationToken.None);
        Assert.Equal(8, third.Summary.RevocationsRequested);
        var revoked = await WaitForAsync(w, () => w.Harness.Published.Select(_ => true).Select(m => m.MessageObject).OfType<GrantRevoked>().ToList(), 8);
        Assert.Equal(ExpiredGrants.Order(), revoked.Select(r => r.GrantId).Order());
        Assert.True(w.Emulator.Calls.Count(WachtWorldOperations.Revoke, P) + w.Emulator.Calls.Count(WachtWorldOperations.Revoke, S) > revokeCalls);
    }

    [Fact]
    public async Task EndToEnd_RevokeExpired_RevokesThemAtWacht_AndTheNextAuditNoLongerFindsThem()
    {
        await using var w = await AuditWorld.StartAsync(AuditWorld.DemoSeed(), Settings(("Remediation:ExpiredButActive", "Revoke")));

        var first = await w.Audit.RunAsync(Manual(), CancellationToken.None);
        Assert.Equal(8, first.Summary.RevocationsRequested);

        // The real RevokeGrantConsumer executes each command and publishes GrantRevoked.
        var revoked = await WaitForAsync(w, () => w.Harness.Published.Select(_ => true).Select(m => m.MessageObject).OfType<GrantRevoked>().ToList(), 8);
        Assert.Equal(ExpiredGrants.Order(), revoked.Select(r => r.GrantId).Order());
        Assert.All(revoked, r => Assert.Equal(CommandTriggers.Audit, r.Trigger));
        Assert.All(revoked, r => Assert.False(r.AlreadyRevoked));
        Assert.Equal(8, w.Emulator.Calls.Count(WachtWorldOperations.Revoke, P) + w.Emulator.Calls.Count(WachtWorldOperations.Revoke, S));

        foreach (var (deployment, slug, client, grant) in new[]
        {
            (P, "analytics-api", "7283910238471500007", "7283910238471500003"),
            (P, "legacy-partner-integration", "7283910238471500031", "7283910238471500030"),
            (S, "internal-tools", "7283910238472500011", "7283910238472500010"),
        })
        {
            var atWacht = (await w.Wacht(deployment).ListOAuthGrantsAsync(slug, client)).Single(g => g.Id == grant);
            Assert.Equal(GrantStatuses.Revoked, atWacht.Status);
        }

        w.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await w.Audit.RunAsync(Manual(), CancellationToken.None);
        Assert.Equal(0, second.Summary.FindingsByKind[FindingKinds.ExpiredButActive]);
        Assert.Equal(0, second.Summary.RevocationsRequested);
        // …030 was revoked for its expiry, so its AppInactive finding is gone too.
        Assert.Equal(17 - 8 - 1, second.Findings.Count);
        Assert.DoesNotContain(second.Findings, f => ExpiredGrants.Contains(f.GrantId));
    }

    [Fact]
    public async Task UnreachableDeployment_IsReported_AndTheOthersAreStillAudited()
    {
        const string unreachable = "5550001112223";
        var port = ClosedPort();
        await using var w = await AuditWorld.StartAsync(
            AuditWorld.DemoSeed(),
            s => AuditWorld.Deployment(s, unreachable, new Uri($"http://127.0.0.1:{port}/"), "wk_test_unreachable"));

        var report = await w.Audit.RunAsync(Manual(), CancellationToken.None);

        var error = Assert.Single(report.Summary.Errors);
        Assert.Equal((unreachable, null, null, ErrorCodes.WachtUnavailable), (error.DeploymentId, error.AppSlug, error.OAuthClientId, error.Code));
        Assert.DoesNotContain("wk_test_unreachable", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, report.Summary.Deployments);
        Assert.Equal(24, report.Summary.Grants);
        Assert.Equal(17, report.Findings.Count);
        Assert.False(Assert.Single(await w.RunsAsync()).Succeeded);
        Assert.DoesNotContain("wk_test_unreachable", w.Logs.AllText, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task<IReadOnlyList<T>> WaitForAsync<T>(AuditWorld w, Func<IReadOnlyList<T>> read, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (read().Count < count)
        {
            try
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Only {read().Count} of {count} arrived. Worker logs:\n{w.Logs.AllText}");
            }
        }

        return read();
    }

    private static class WachtWorldOperations
    {
        public const string Revoke = "revokeOAuthGrant";
    }
}
