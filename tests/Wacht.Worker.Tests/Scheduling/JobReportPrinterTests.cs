using Wacht.Worker.Contracts;
using Wacht.Worker.Grants;
using Wacht.Worker.Jobs;
using Wacht.Worker.Rotation;
using Wacht.Worker.Rotation.Validity;

namespace Wacht.Worker.Tests.Scheduling;

public sealed class JobReportPrinterTests
{
    private static readonly DateTimeOffset Started = new(2026, 3, 1, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Sweep_PrintsHeader_OneRowPerDecision_AndTheCountsWithSkippedByReason()
    {
        var commandId = Guid.Parse("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
        var report = new SweepReport(
            new RotationSweepCompleted
            {
                RunId = Guid.Parse("11111111-2222-3333-4444-555555555555"),
                Trigger = JobTriggers.Manual,
                StartedAt = Started,
                FinishedAt = Started.AddSeconds(2.5),
                Deployments = 1,
                ClientsSeen = 4,
                Due = 1,
                Rotated = 1,
                Warned = 1,
                Skipped = new Dictionary<string, int> { [SweepSkipReasons.NotDue] = 1, [SweepSkipReasons.NoSecret] = 1 },
            },
            [
                new SweepDecision("7283910238471", "analytics-api", "oc_1", "cid_reporting", "reporting-service", SweepActions.Rotate,
                    Started.AddDays(-123), "created_at", TimeSpan.FromDays(123.6), commandId, "secret 123 days old, max 90"),
                new SweepDecision("7283910238471", "analytics-api", "oc_2", "cid_etl", "etl-pipeline", SweepActions.Warn,
                    Started.AddDays(-80), "ledger", TimeSpan.FromDays(80), null, "due in 10 days"),
            ]);
        using var output = new StringWriter();

        JobReportPrinter.PrintSweep(report, output);

        var lines = output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains("Rotation sweep 11111111-2222-3333-4444-555555555555", lines);
        Assert.Contains(lines, l => l.StartsWith("Trigger: manual", StringComparison.Ordinal) && l.Contains("dry run: no", StringComparison.Ordinal) && l.Contains("deployments: 1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("2026-03-01 03:00:00Z", StringComparison.Ordinal));
        var rotateRow = Assert.Single(lines, l => l.Contains("cid_reporting", StringComparison.Ordinal));
        Assert.Matches(@"^7283910238471\s+analytics-api\s+cid_reporting\s+reporting-service\s+123\s+created_at\s+rotate\s+0a1b2c3d$", rotateRow);
        Assert.Matches(@"cid_etl\s+etl-pipeline\s+80\s+ledger\s+warn\s+-$", Assert.Single(lines, l => l.Contains("cid_etl", StringComparison.Ordinal)));
        Assert.Contains("Clients seen: 4   due: 1   rotations requested: 1   warned: 1   failed: 0", lines);
        Assert.Contains("Skipped: not_due 1, cap_reached 0, inactive 0, app_inactive 0, no_secret 1, filtered 0", lines);
        Assert.Contains("Errors: 0", lines);

        // The columns line up: every row's ACTION cell starts where the header's does.
        var header = Assert.Single(lines, l => l.StartsWith("DEPLOYMENT", StringComparison.Ordinal));
        Assert.Equal(header.IndexOf("ACTION", StringComparison.Ordinal), rotateRow.IndexOf("rotate", StringComparison.Ordinal));
    }

    [Fact]
    public void Sweep_PrintsTheSecretChecks_CountsAndOneRowPerClientNotAccepted()
    {
        var rotateId = Guid.Parse("9a8b7c6d-4e5f-6071-8293-a4b5c6d7e8f9");
        var report = new SweepReport(
            new RotationSweepCompleted
            {
                RunId = Guid.NewGuid(),
                Trigger = JobTriggers.Manual,
                StartedAt = Started,
                FinishedAt = Started.AddSeconds(1),
                SecretChecks = new SecretCheckSummary
                {
                    Share = 0.25,
                    Cycle = 4,
                    Slot = 2,
                    Accepted = 3,
                    Rejected = 1,
                    RotationsRequested = 1,
                    Skipped = new Dictionary<string, int> { [SecretCheckSkipReasons.NotInShare] = 9, [SweepSkipReasons.NoSecret] = 2 },
                },
            },
            [])
        {
            SecretChecks =
            [
                new("7283910238471", "analytics-api", "oc_1", "cid_ok", SecretCheckResults.Accepted, null, "files", "a/b/cid_ok.json", "111111111111", null),
                new("7283910238471", "analytics-api", "oc_2", "cid_dead", SecretCheckResults.Rejected, SecretCheckRemediations.RotateRequested, "files", "a/b/cid_dead.json", "abcdef012345", rotateId),
                new("7283910238471", "billing", "oc_3", "cid_none", SecretCheckResults.Skipped, "nothing_delivered: files:c/d/cid_none.json holds no secret", null, null, null, null),
            ],
        };
        using var output = new StringWriter();

        JobReportPrinter.PrintSweep(report, output);

        var lines = output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains("Delivered secrets (share 0.25, slot 3 of 4): accepted 3   REJECTED 1   unknown 0   rotations requested: 1", lines);
        Assert.Contains(
            "Not checked: not_in_share 9, nothing_delivered 0, destination_unreadable 0, rotation_in_flight 0, rotation_sent 0, rate_limited 0, no_secret 2, inactive 0, app_inactive 0, filtered 0",
            lines);
        Assert.Matches(@"^7283910238471\s+analytics-api\s+cid_dead\s+rejected\s+files:a/b/cid_dead.json\s+abcdef012345\s+rotate_requested\s+9a8b7c6d$", Assert.Single(lines, l => l.Contains("cid_dead", StringComparison.Ordinal)));
        Assert.Single(lines, l => l.Contains("cid_none", StringComparison.Ordinal) && l.Contains("skipped", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("cid_ok", StringComparison.Ordinal));
    }

    [Fact]
    public void Sweep_SaysWhenTheSecretChecksAreOff()
    {
        using var output = new StringWriter();

        JobReportPrinter.PrintSweep(new SweepReport(new RotationSweepCompleted { StartedAt = Started, FinishedAt = Started }, []), output);

        Assert.Contains("Delivered secrets: not checked (Worker:RotationSweep:Validity:Enabled is false).", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Audit_PrintsTheFindingRow_CountsByKind_AndErrors()
    {
        var report = new AuditReport(
            new GrantAuditCompleted
            {
                RunId = Guid.NewGuid(),
                Trigger = JobTriggers.Manual,
                DryRun = true,
                StartedAt = Started,
                FinishedAt = Started.AddSeconds(1),
                Deployments = 2,
                Apps = 1,
                Clients = 3,
                Grants = 5,
                FindingsByKind = new Dictionary<string, int> { [FindingKinds.ExpiredButActive] = 1 },
                FindingsPublished = 1,
                RevocationsRequested = 1,
                Errors = [new JobError("5550001112223", null, null, ErrorCodes.WachtUnavailable, "connection refused")],
            },
            [
                new GrantAuditFinding
                {
                    DeploymentId = "7283910238471",
                    AppSlug = "analytics-api",
                    ClientId = "cid_reporting",
                    GrantId = "gr_42",
                    Kind = FindingKinds.ExpiredButActive,
                    Remediation = FindingRemediations.WouldRevoke,
                    Detail = "expired 2026-01-01T00:00:00Z " + new string('x', 200),
                },
            ]);
        using var output = new StringWriter();

        JobReportPrinter.PrintAudit(report, output);

        var text = output.ToString();
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains(lines, l => l.Contains("dry run: yes", StringComparison.Ordinal) && l.Contains("deployments: 2", StringComparison.Ordinal));
        var row = Assert.Single(lines, l => l.Contains("gr_42", StringComparison.Ordinal));
        Assert.Matches(@"^7283910238471\s+analytics-api\s+cid_reporting\s+gr_42\s+ExpiredButActive\s+would_revoke\s+expired 2026-01-01T00:00:00Z x+…$", row);
        // Columns have fixed widths (rows are printed as they come); the detail, the last, is cut at 60 characters.
        Assert.Equal(60, row[row.IndexOf("expired 2026", StringComparison.Ordinal)..].Length);
        Assert.Contains("Findings by kind: ExpiredButActive 1, ScopeNotSupported 0, ScopeArchived 0, ClientInactive 0, AppInactive 0, OlderThanMaxAge 0, SigningKeyMissing 0, CompromisedSigningKeyListed 0, SecretNeverRotated 0", lines);
        Assert.Contains("Findings that would be published: 1   suppressed (already reported): 0", lines);
        Assert.Contains("Revocations that would be requested: 1   deferred (cap): 0   failed today (retried tomorrow): 0", lines);
        Assert.Contains("Errors: 1", lines);
        Assert.Contains("  5550001112223: wacht_unavailable: connection refused", lines);
    }

    [Fact]
    public void Audit_WithoutFindings_SaysSo()
    {
        using var output = new StringWriter();

        JobReportPrinter.PrintAudit(new AuditReport(new GrantAuditCompleted { Trigger = JobTriggers.Manual }, []), output);

        Assert.Contains("No findings.", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Credential findings (issue 14) stream to the same table as grant findings, their kind not cut.</summary>
    [Fact]
    public async Task Audit_StreamsCredentialFindings_IntoTheSameTable()
    {
        using var output = new StringWriter();
        var rows = new AuditFindingPrinter(output);

        await rows.WriteCredentialsAsync(
            [
                new CredentialAuditFinding
                {
                    DeploymentId = "7283910238471",
                    AppSlug = "analytics-api",
                    Kid = "kid-2026-01",
                    Kind = FindingKinds.CompromisedSigningKeyListed,
                    Detail = "signing key kid-2026-01 is listed with status compromised",
                },
                new CredentialAuditFinding
                {
                    DeploymentId = "7283910238471",
                    AppSlug = "billing",
                    OAuthClientId = "7283910238471500007",
                    ClientId = "cid_billing",
                    Kind = FindingKinds.SecretNeverRotated,
                    Detail = "created 2026-01-01T00:00:00Z, never rotated",
                },
            ],
            CancellationToken.None);
        JobReportPrinter.PrintAuditSummary(new GrantAuditCompleted { Trigger = JobTriggers.Manual }, rows.Count, output);

        var lines = output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Single(lines, l => l.StartsWith("DEPLOYMENT", StringComparison.Ordinal));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(
            l, @"^7283910238471\s+analytics-api\s+-\s+-\s+CompromisedSigningKeyListed\s+-\s+signing key kid-2026-01 is listed with status compromised$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(
            l, @"^7283910238471\s+billing\s+cid_billing\s+-\s+SecretNeverRotated\s+-\s+created 2026-01-01T00:00:00Z, never rotated$"));
        Assert.DoesNotContain("No findings.", lines);
    }
}
