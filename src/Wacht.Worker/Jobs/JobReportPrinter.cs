using System.Globalization;
using Wacht.Worker.Contracts;
using Wacht.Worker.Grants;
using Wacht.Worker.Rotation;
using Wacht.Worker.Rotation.Validity;

namespace Wacht.Worker.Jobs;

/// <summary>Prints the report of an on-demand sweep or audit (the <c>sweep</c> and <c>audit</c> commands) for people.</summary>
internal static class JobReportPrinter
{
    private const int DetailWidth = 60;

    public static void PrintSweep(SweepReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        var s = report.Summary;
        Header(output, "Rotation sweep", s.RunId, s.Trigger, s.DryRun, s.StartedAt, s.FinishedAt, s.Deployments);

        output.WriteLine();
        if (report.Decisions.Count == 0)
        {
            output.WriteLine("No client is due or nearly due.");
        }
        else
        {
            var table = new TextTable(("DEPLOYMENT", 0), ("APP", 30), ("CLIENT ID", 40), ("CLIENT NAME", 30), ("AGE (DAYS)", 0), ("AGE SOURCE", 0), ("ACTION", 0), ("COMMAND", 0));
            foreach (var d in report.Decisions
                .OrderBy(d => d.DeploymentId, StringComparer.Ordinal)
                .ThenBy(d => d.AppSlug, StringComparer.Ordinal)
                .ThenBy(d => d.ClientId, StringComparer.Ordinal))
            {
                table.Add(d.DeploymentId, d.AppSlug, d.ClientId, d.ClientName, Math.Floor(d.Age.TotalDays).ToString("0", CultureInfo.InvariantCulture), d.AgeSource, d.Action, ShortId(d.CommandId));
            }

            table.WriteTo(output);
        }

        output.WriteLine();
        output.WriteLine(Invariant($"Clients seen: {s.ClientsSeen}   due: {s.Due}   {(s.DryRun ? "would rotate" : "rotations requested")}: {s.Rotated}   {(s.DryRun ? "would warn" : "warned")}: {s.Warned}   failed: {s.Failed}"));
        output.WriteLine("Skipped: " + Counts(s.Skipped, SkipOrder));
        if (s.AppsSeen > 0 || report.SigningKeyDecisions.Count > 0)
        {
            PrintSigningKeys(report, output);
        }

        SecretChecks(output, s.SecretChecks, s.DryRun, report.SecretChecks);
        Errors(output, s.Errors);
    }

    private static void PrintSigningKeys(SweepReport report, TextWriter output)
    {
        var s = report.Summary;
        output.WriteLine();
        if (report.SigningKeyDecisions.Count == 0)
        {
            output.WriteLine("No signing key is due or nearly due.");
        }
        else
        {
            var table = new TextTable(("DEPLOYMENT", 0), ("APP", 30), ("KID", 40), ("AGE (DAYS)", 0), ("AGE SOURCE", 0), ("ACTION", 0), ("COMMAND", 0));
            foreach (var d in report.SigningKeyDecisions
                .OrderBy(d => d.DeploymentId, StringComparer.Ordinal)
                .ThenBy(d => d.AppSlug, StringComparer.Ordinal))
            {
                table.Add(d.DeploymentId, d.AppSlug, d.Kid, Math.Floor(d.Age.TotalDays).ToString("0", CultureInfo.InvariantCulture), d.AgeSource, d.Action, ShortId(d.CommandId));
            }

            table.WriteTo(output);
        }

        output.WriteLine();
        output.WriteLine(Invariant($"Apps seen: {s.AppsSeen}   signing keys due: {s.SigningKeysDue}   {(s.DryRun ? "would rotate" : "rotations requested")}: {s.SigningKeysRotated}   {(s.DryRun ? "would warn" : "warned")}: {s.SigningKeysWarned}"));
        output.WriteLine("Signing keys skipped: " + Counts(s.SigningKeysSkipped, SigningKeySkipOrder));
    }

    /// <summary>The validity check: its counts, then one line per client of the run's share that was not simply accepted.</summary>
    private static void SecretChecks(TextWriter output, SecretCheckSummary? summary, bool dryRun, IReadOnlyList<SecretCheckItem> items)
    {
        output.WriteLine();
        if (summary is null)
        {
            output.WriteLine("Delivered secrets: not checked (Worker:RotationSweep:Validity:Enabled is false).");
            return;
        }

        output.WriteLine(Invariant(
            $"Delivered secrets (share {summary.Share:0.###}, slot {summary.Slot + 1} of {summary.Cycle}): accepted {summary.Accepted}   REJECTED {summary.Rejected}   unknown {summary.Unknown}   {(dryRun ? "would rotate" : "rotations requested")}: {summary.RotationsRequested}"));
        output.WriteLine("Not checked: " + Counts(summary.Skipped, SecretCheckSkipOrder));
        var shown = items.Where(static i => i.Result != SecretCheckResults.Accepted).ToList();
        if (shown.Count == 0)
        {
            return;
        }

        var table = new TextTable(("DEPLOYMENT", 0), ("APP", 30), ("CLIENT ID", 40), ("RESULT", 0), ("WHERE", 50), ("FINGERPRINT", 0), ("DETAIL", DetailWidth), ("COMMAND", 0));
        foreach (var i in shown)
        {
            var where = i.Destination is null ? "-" : $"{i.Destination}:{i.DestinationKey}";
            table.Add(i.DeploymentId, i.AppSlug, i.ClientId, i.Result, where, i.SecretFingerprint ?? "-", i.Detail ?? "-", ShortId(i.RotateCommandId));
        }

        table.WriteTo(output);
    }

    /// <summary>Prints a whole audit report at once: its findings (sorted), then its summary.</summary>
    public static void PrintAudit(AuditReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = new AuditFindingPrinter(output);
        rows.Write(report.Findings
            .OrderBy(f => f.DeploymentId, StringComparer.Ordinal)
            .ThenBy(f => f.AppSlug, StringComparer.Ordinal)
            .ThenBy(f => f.ClientId, StringComparer.Ordinal)
            .ThenBy(f => f.GrantId, StringComparer.Ordinal)
            .ThenBy(f => f.Kind, StringComparer.Ordinal));
        rows.Write(report.CredentialFindings);
        PrintAuditSummary(report.Summary, rows.Count, output);
    }

    /// <summary>
    /// Prints the end of an audit's report, after its finding rows (<see cref="AuditFindingPrinter"/>): the run, its
    /// counts by kind, what was published and revoked, and the errors.
    /// </summary>
    public static void PrintAuditSummary(GrantAuditCompleted summary, long rowsPrinted, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var s = summary;
        if (rowsPrinted == 0)
        {
            output.WriteLine("No findings.");
        }

        output.WriteLine();
        Header(output, "Grant audit", s.RunId, s.Trigger, s.DryRun, s.StartedAt, s.FinishedAt, s.Deployments);
        output.WriteLine(Invariant($"Apps: {s.Apps}   clients: {s.Clients}   grants: {s.Grants}"));
        output.WriteLine("Findings by kind: " + Counts(s.FindingsByKind, FindingKinds.All));
        output.WriteLine(Invariant($"Findings {(s.DryRun ? "that would be published" : "published")}: {s.FindingsPublished}   suppressed (already reported): {s.FindingsSuppressed}"));
        output.WriteLine(Invariant($"Revocations {(s.DryRun ? "that would be requested" : "requested")}: {s.RevocationsRequested}   deferred (cap): {s.RevocationsDeferred}   failed today (retried tomorrow): {s.RevocationsFailed}"));
        Errors(output, s.Errors);
    }

    /// <summary>The first 8 hex digits of a command id (what the table shows), or "-".</summary>
    public static string ShortId(Guid? id) => id is { } value ? value.ToString("N", CultureInfo.InvariantCulture)[..8] : "-";

    private static readonly string[] SigningKeySkipOrder =
    [
        SweepSkipReasons.NotDue, SweepSkipReasons.CapReached, SweepSkipReasons.AppInactive, SweepSkipReasons.NoActiveKey, SweepSkipReasons.Filtered,
    ];

    private static readonly string[] SkipOrder =
    [
        SweepSkipReasons.NotDue, SweepSkipReasons.CapReached, SweepSkipReasons.Inactive, SweepSkipReasons.AppInactive,
        SweepSkipReasons.NoSecret, SweepSkipReasons.Filtered,
    ];

    private static readonly string[] SecretCheckSkipOrder =
    [
        SecretCheckSkipReasons.NotInShare, SecretCheckSkipReasons.NothingDelivered, SecretCheckSkipReasons.DestinationUnreadable,
        SecretCheckSkipReasons.RotationInFlight, SecretCheckSkipReasons.RotationSent, SecretCheckSkipReasons.RateLimited,
        SweepSkipReasons.NoSecret, SweepSkipReasons.Inactive, SweepSkipReasons.AppInactive, SweepSkipReasons.Filtered,
    ];

    private static void Header(TextWriter output, string title, Guid runId, string trigger, bool dryRun, DateTimeOffset startedAt, DateTimeOffset finishedAt, int deployments)
    {
        output.WriteLine(Invariant($"{title} {runId}"));
        output.WriteLine(Invariant($"Trigger: {trigger}   dry run: {(dryRun ? "yes" : "no")}   deployments: {deployments}"));
        output.WriteLine(Invariant($"Started: {startedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z   finished: {finishedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z   ({(finishedAt - startedAt).TotalSeconds:0.0} s)"));
    }

    /// <summary>"a 1, b 0, …": the known keys in order (zeros included), then any other key.</summary>
    private static string Counts(IReadOnlyDictionary<string, int> counts, IReadOnlyList<string> order)
    {
        var keys = order.Concat(counts.Keys.Where(k => !order.Contains(k)).Order(StringComparer.Ordinal));
        return string.Join(", ", keys.Select(k => Invariant($"{k} {counts.GetValueOrDefault(k)}")));
    }

    private static void Errors(TextWriter output, IReadOnlyList<JobError> errors)
    {
        output.WriteLine(Invariant($"Errors: {errors.Count}"));
        foreach (var e in errors)
        {
            var where = string.Join('/', new[] { e.DeploymentId, e.AppSlug, e.OAuthClientId }.Where(p => !string.IsNullOrEmpty(p)));
            output.WriteLine($"  {where}: {e.Code}: {TextTable.Truncate(e.Message, 200)}");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
