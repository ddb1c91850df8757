using System.Collections.Concurrent;
using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wacht.Client;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;
using Wacht.Worker.Rotation;

namespace Wacht.Worker.Grants;

/// <summary>
/// One run of the grant audit: walks every configured deployment's apps, clients and grants, publishes
/// GrantAuditFinding events (de-duplicated through the ledger), sends RevokeGrant commands (trigger <c>audit</c>) where
/// configured, publishes GrantAuditCompleted and records the run in the ledger. A dry run only reports, records its run
/// and publishes its summary (both marked dry run).
/// </summary>
/// <remarks>
/// <para>
/// Nothing grows with the inventory: memory holds one client's grants and findings per parallel visit, the run's
/// counters, and a bounded queue of de-duplication records (<see cref="PublishedFindingRecorder"/>, written in batches).
/// Findings leave as they are found: published, handed to the run's <see cref="IGrantAuditSink"/> (the <c>audit</c>
/// command prints them), and kept for the whole run only when <see cref="JobRunRequest.CollectItems"/> asks for it
/// (small inventories and tests). Every grant is evaluated at the run's start instant.
/// </para>
/// <para>
/// Remediation does not depend on de-duplication: an active grant whose finding kind is configured
/// <see cref="FindingRemediation.Revoke"/> gets its RevokeGrant on every run until it is revoked. The command id is
/// deterministic per deployment and grant, so a repeat is answered from the command ledger's record. The per-run cap
/// (<see cref="GrantAuditOptions.MaxRevocationsPerRun"/>) is shared by all parallel visits and also applies to a dry
/// run, so a dry run reports what a real run would do (<c>would_revoke</c> within the cap, <c>revoke_deferred</c> beyond it).
/// </para>
/// <para>
/// Dry run: nothing changes anywhere. No RevokeGrant is sent, no finding is published, and the ledger's record of
/// published findings is neither written nor pruned (<see cref="GrantAuditCompleted.FindingsPublished"/> and
/// <see cref="GrantAuditCompleted.FindingsSuppressed"/> count what a real run would publish or suppress). The only writes
/// are the run's own record and its summary, both marked dry run.
/// </para>
/// </remarks>
public sealed partial class GrantAudit(
    InventoryWalker walker,
    IJobLedger ledger,
    ICommandLedger commands,
    IBus bus,
    IOptionsMonitor<GrantAuditOptions> options,
    IOptionsMonitor<RotationSweepOptions> sweepOptions,
    TimeProvider time,
    JobMetrics metrics,
    ILogger<GrantAudit> logger)
{
    /// <summary>Who the RevokeGrant commands say asked.</summary>
    public const string RequestedBy = "wacht-worker grant audit";

    /// <summary>Runs one audit. Throws only when the run could not run at all; per-deployment errors are in the summary.</summary>
    public Task<AuditReport> RunAsync(JobRunRequest request, CancellationToken cancellationToken) =>
        RunAsync(request, null, cancellationToken);

    /// <summary>
    /// Runs one audit, handing each client's findings to <paramref name="sink"/> as soon as they are found. Throws only
    /// when the run could not run at all; per-deployment errors are in the summary.
    /// </summary>
    public async Task<AuditReport> RunAsync(JobRunRequest request, IGrantAuditSink? sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.CurrentValue;
        var sweep = sweepOptions.CurrentValue;
        var run = new Run(
            Guid.NewGuid(),
            time.GetUtcNow(),
            request.DryRun ?? settings.DryRun,
            settings,
            RevokeKinds(settings),
            request.CollectItems,
            sweep,
            new TargetFilter(sweep.Include, sweep.Exclude),
            sink);
        var filter = new TargetFilter(settings.Include, settings.Exclude);

        // A dry run records nothing, so it has no recorder.
        var recorder = run.DryRun ? null : new PublishedFindingRecorder(ledger, run.Errors.Enqueue, cancellationToken);
        WalkTotals walk;
        IEnumerable<JobError> appErrors = [];
        try
        {
            walk = await walker.WalkAsync(
                filter,
                settings.MaxParallelism,
                (visit, ct) => AuditClientAsync(run, filter, recorder, visit, ct),
                cancellationToken);

            // The apps' signing keys, per app (the same filter: an app is in scope when a pattern covers all of it).
            if (settings.Credentials)
            {
                var appWalk = await walker.WalkAppsAsync(
                    filter,
                    settings.MaxParallelism,
                    (visit, ct) => AuditSigningKeysAsync(run, filter, recorder, visit, ct),
                    cancellationToken);
                appErrors = appWalk.Errors.Where(static e => e.AppSlug is not null);
            }
        }
        finally
        {
            // Whatever the walks did, what was handed over is written before the run's record.
            if (recorder is not null)
            {
                await recorder.CompleteAsync();
            }
        }

        var errors = walk.Errors.Concat(appErrors).Concat(run.Errors)
            .OrderBy(static e => e.DeploymentId, StringComparer.Ordinal)
            .ThenBy(static e => e.AppSlug, StringComparer.Ordinal)
            .ThenBy(static e => e.OAuthClientId, StringComparer.Ordinal)
            .ToList();
        var finishedAt = time.GetUtcNow();
        var summary = new GrantAuditCompleted
        {
            RunId = run.RunId,
            Trigger = request.Trigger,
            DryRun = run.DryRun,
            StartedAt = run.Now,
            FinishedAt = finishedAt,
            Deployments = walk.Deployments,
            Apps = walk.Apps,
            Clients = run.Clients,
            Grants = run.Grants,
            // Every kind is present, zeros included, so a consumer can read any kind without a missing-key case.
            FindingsByKind = FindingKinds.All
                .Select((kind, i) => (kind, count: Volatile.Read(ref run.ByKind[i])))
                .ToDictionary(static p => p.kind, static p => p.count, StringComparer.Ordinal),
            FindingsPublished = run.Published,
            FindingsSuppressed = run.Suppressed,
            RevocationsRequested = run.RevocationsRequested,
            RevocationsDeferred = run.RevocationsDeferred,
            RevocationsFailed = run.RevocationsFailed,
            Errors = errors,
        };

        // Recorded before the summary is published: a run that sent commands always leaves its record, even when
        // the publish then fails.
        await ledger.RecordJobRunAsync(
            new JobRunRecord(
                run.RunId,
                JobNames.GrantAudit,
                request.Trigger,
                run.DryRun,
                request.ScheduledFireAt,
                run.Now,
                finishedAt,
                request.Instance ?? Environment.MachineName,
                Succeeded: errors.Count == 0,
                SummaryJson: OutcomeCodec.Serialize(summary)),
            cancellationToken);
        await bus.Publish(summary, cancellationToken);
        metrics.Completed(summary);

        LogCompleted(
            run.RunId, request.Trigger, run.DryRun, summary.Deployments, summary.Apps, summary.Clients, summary.Grants,
            summary.FindingsByKind.Values.Sum(), summary.FindingsPublished, summary.FindingsSuppressed,
            summary.RevocationsRequested, summary.RevocationsDeferred, errors.Count);

        var findings = run.Collected is null
            ? []
            : run.Collected
                .OrderBy(static f => f.DeploymentId, StringComparer.Ordinal)
                .ThenBy(static f => f.AppSlug, StringComparer.Ordinal)
                .ThenBy(static f => f.OAuthClientId, StringComparer.Ordinal)
                .ThenBy(static f => f.GrantId, StringComparer.Ordinal)
                .ThenBy(static f => KindOrder(f.Kind))
                .ToList();
        var credentials = run.CollectedCredentials is null
            ? []
            : run.CollectedCredentials
                .OrderBy(static f => f.DeploymentId, StringComparer.Ordinal)
                .ThenBy(static f => f.AppSlug, StringComparer.Ordinal)
                .ThenBy(static f => f.OAuthClientId, StringComparer.Ordinal)
                .ThenBy(static f => KindOrder(f.Kind))
                .ThenBy(static f => f.Kid, StringComparer.Ordinal)
                .ToList();
        return new AuditReport(summary, findings) { CredentialFindings = credentials };
    }

    private async ValueTask AuditClientAsync(
        Run run, TargetFilter filter, PublishedFindingRecorder? recorder, ClientVisit visit, CancellationToken cancellationToken)
    {
        var (deploymentId, wacht, app, client) = visit;
        if (!filter.Includes(deploymentId, app.Slug, client.Id, client.ClientId))
        {
            return;
        }

        Interlocked.Increment(ref run.Clients);
        var grants = await wacht.ListOAuthGrantsAsync(app.Slug, client.Id, cancellationToken);
        Interlocked.Add(ref run.Grants, grants.Count);

        var perGrant = new List<(OAuthGrant Grant, IReadOnlyList<GrantRuleFinding> Findings)>();
        foreach (var grant in grants)
        {
            var found = GrantAuditRules.Evaluate(app, client, grant, run.Now, run.Settings);
            if (found.Count > 0)
            {
                perGrant.Add((grant, found));
            }
        }

        var secret = run.Settings.Credentials ? await SecretFindingAsync(run, visit, cancellationToken) : null;

        // Read for every client, even one with nothing to report now: findings published earlier that no longer hold
        // are forgotten, so one that comes back is news again (and resolved findings don't pile up in the ledger).
        var previous = (await ledger.ListPublishedFindingsAsync(deploymentId, client.Id, cancellationToken))
            .ToDictionary(static p => (p.GrantId, p.Kind));
        var current = perGrant.SelectMany(static g => g.Findings.Select(f => (g.Grant.Id, f.Kind))).ToHashSet();
        if (secret is not null)
        {
            current.Add((secret.Subject, secret.Finding.Kind));
        }

        var resolved = previous.Keys.Where(k => !current.Contains(k)).ToList();
        var key = new ClientVisitKey(deploymentId, app.Slug, client.Id);
        if (perGrant.Count == 0 && secret is null)
        {
            if (recorder is not null)
            {
                await recorder.AddAsync(key, [], resolved, cancellationToken);
            }

            return;
        }

        var toRecord = new List<PublishedFinding>();
        if (secret is not null && await ReportCredentialAsync(run, client.Id, secret, previous, cancellationToken) is { } recordedSecret)
        {
            toRecord.Add(recordedSecret);
        }

        var clientFindings = new List<GrantAuditFinding>();
        foreach (var (grant, found) in perGrant)
        {
            var (remediation, commandId) = await RemediateAsync(run, visit, grant, found, cancellationToken);
            foreach (var rule in found)
            {
                Interlocked.Increment(ref run.ByKind[KindOrder(rule.Kind)]);
                var finding = new GrantAuditFinding
                {
                    RunId = run.RunId,
                    DeploymentId = deploymentId,
                    AppSlug = app.Slug,
                    OAuthClientId = client.Id,
                    ClientId = client.ClientId,
                    GrantId = grant.Id,
                    Kind = rule.Kind,
                    Detail = rule.Detail,
                    Resource = grant.Resource,
                    Scopes = grant.Scopes,
                    GrantedAt = grant.GrantedAt,
                    ExpiresAt = grant.ExpiresAt,
                    Remediation = remediation,
                    RevokeCommandId = commandId,
                    DetectedAt = run.Now,
                };
                clientFindings.Add(finding);

                // The remediation is part of what subscribers were told: a finding whose revocation was deferred and is
                // now requested (or that a dry run reported) is news, and is published again at once.
                var hash = GrantAuditRules.HashDetail($"{rule.Detail}\n{remediation}");
                var publish = !previous.TryGetValue((grant.Id, rule.Kind), out var last)
                    || !string.Equals(last.DetailHash, hash, StringComparison.Ordinal)
                    || last.LastPublishedAt <= run.Now - run.Settings.RepublishAfter;
                LogFinding(deploymentId, app.Slug, client.Id, grant.Id, rule.Kind, rule.Detail, remediation, publish);
                if (!publish)
                {
                    Interlocked.Increment(ref run.Suppressed);
                    continue;
                }

                if (run.DryRun)
                {
                    // Counted as a real run would publish it; neither published nor recorded (either would hold back the real one).
                    Interlocked.Increment(ref run.Published);
                    continue;
                }

                await bus.Publish(finding, cancellationToken);
                Interlocked.Increment(ref run.Published);
                // The run's "now", not the publish time: the next run that starts RepublishAfter later publishes it again,
                // instead of drifting one run late every interval.
                toRecord.Add(new PublishedFinding(deploymentId, client.Id, grant.Id, rule.Kind, hash, run.Now));
            }
        }

        // Recorded only after publishing (in the recorder's next batch): a crash between the two publishes these
        // findings again on the next run. At-least-once is the intent; a subscriber sees a duplicate, never a gap.
        if (recorder is not null)
        {
            await recorder.AddAsync(key, toRecord, resolved, cancellationToken);
        }

        clientFindings.Sort(static (a, b) =>
        {
            var byGrant = string.CompareOrdinal(a.GrantId, b.GrantId);
            return byGrant != 0 ? byGrant : KindOrder(a.Kind).CompareTo(KindOrder(b.Kind));
        });
        await run.DeliverAsync(clientFindings, cancellationToken);
        if (secret is not null)
        {
            await run.DeliverCredentialsAsync([secret.Finding], cancellationToken);
        }
    }

    /// <summary>
    /// The client's <see cref="FindingKinds.SecretNeverRotated"/>, or null. The ledger is read only for clients whose
    /// <c>created_at</c> is old enough for the finding (the rule decides that first, without it).
    /// </summary>
    private async Task<CredentialCandidate?> SecretFindingAsync(Run run, ClientVisit visit, CancellationToken cancellationToken)
    {
        var (deploymentId, _, app, client) = visit;
        if (CredentialAuditRules.EvaluateSecret(deploymentId, app, client, null, run.Now, run.Sweep, run.SweepFilter) is null)
        {
            return null;
        }

        var last = await commands.FindLastRotationAsync(deploymentId, client.Id, cancellationToken);
        return CredentialAuditRules.EvaluateSecret(deploymentId, app, client, last, run.Now, run.Sweep, run.SweepFilter) is { } rule
            ? new CredentialCandidate(FindingSubjects.Client(client.Id), Credential(run, deploymentId, app.Slug, client, rule))
            : null;
    }

    /// <summary>
    /// One app's signing keys: <see cref="FindingKinds.SigningKeyMissing"/> and <see cref="FindingKinds.CompromisedSigningKeyListed"/>,
    /// de-duplicated like the grants' findings, under the app's own entries in the ledger (<see cref="FindingSubjects"/>).
    /// </summary>
    private async ValueTask AuditSigningKeysAsync(
        Run run, TargetFilter filter, PublishedFindingRecorder? recorder, AppVisit visit, CancellationToken cancellationToken)
    {
        var (deploymentId, wacht, app) = visit;
        if (!filter.IncludesApp(deploymentId, app.Slug))
        {
            return;
        }

        var keys = await wacht.ListOAuthAppSigningKeysAsync(app.Slug, cancellationToken);
        var history = await commands.ListSigningKeyChangesAsync(deploymentId, app.Slug, cancellationToken);
        var found = CredentialAuditRules.EvaluateSigningKeys(app, keys, history)
            .Select(rule => new CredentialCandidate(FindingSubjects.SigningKeys(app.Slug, rule.Kid), Credential(run, deploymentId, app.Slug, null, rule)))
            .ToList();

        var owner = FindingSubjects.App(app.Slug);
        var previous = (await ledger.ListPublishedFindingsAsync(deploymentId, owner, cancellationToken)).ToDictionary(static p => (p.GrantId, p.Kind));
        var current = found.Select(static f => (f.Subject, f.Finding.Kind)).ToHashSet();
        var resolved = previous.Keys.Where(k => !current.Contains(k)).ToList();
        var toRecord = new List<PublishedFinding>();
        foreach (var candidate in found)
        {
            if (await ReportCredentialAsync(run, owner, candidate, previous, cancellationToken) is { } recorded)
            {
                toRecord.Add(recorded);
            }
        }

        // Written in the recorder's batches, like the clients' (after publishing: at-least-once).
        if (recorder is not null)
        {
            await recorder.AddAsync(new ClientVisitKey(deploymentId, app.Slug, null), toRecord, resolved, cancellationToken);
        }

        await run.DeliverCredentialsAsync([.. found.Select(static f => f.Finding)], cancellationToken);
    }

    /// <summary>
    /// Counts a credential finding and publishes it unless the same finding was published within the interval; returns
    /// what to record in the ledger when it was published (null when suppressed, or in a dry run).
    /// </summary>
    private async Task<PublishedFinding?> ReportCredentialAsync(
        Run run, string owner, CredentialCandidate candidate, Dictionary<(string GrantId, string Kind), PublishedFinding> previous, CancellationToken cancellationToken)
    {
        var finding = candidate.Finding;
        Interlocked.Increment(ref run.ByKind[KindOrder(finding.Kind)]);
        var hash = GrantAuditRules.HashDetail(finding.Detail);
        var publish = !previous.TryGetValue((candidate.Subject, finding.Kind), out var last)
            || !string.Equals(last.DetailHash, hash, StringComparison.Ordinal)
            || last.LastPublishedAt <= run.Now - run.Settings.RepublishAfter;
        LogCredentialFinding(finding.DeploymentId, finding.AppSlug, finding.OAuthClientId ?? "-", finding.Kind, finding.Detail, publish);
        if (!publish)
        {
            Interlocked.Increment(ref run.Suppressed);
            return null;
        }

        Interlocked.Increment(ref run.Published);
        if (run.DryRun)
        {
            return null;
        }

        await bus.Publish(finding, cancellationToken);
        return new PublishedFinding(finding.DeploymentId, owner, candidate.Subject, finding.Kind, hash, run.Now);
    }

    private static CredentialAuditFinding Credential(Run run, string deploymentId, string appSlug, OAuthClient? client, CredentialRuleFinding rule) => new()
    {
        RunId = run.RunId,
        DeploymentId = deploymentId,
        AppSlug = appSlug,
        OAuthClientId = client?.Id,
        ClientId = client?.ClientId,
        Kid = rule.Kid,
        Kind = rule.Kind,
        Detail = rule.Detail,
        RotateCommandId = rule.RotateCommandId,
        DetectedAt = run.Now,
    };

    /// <summary>A credential finding and the subject it is de-duplicated under (<see cref="FindingSubjects"/>).</summary>
    private sealed record CredentialCandidate(string Subject, CredentialAuditFinding Finding);

    /// <summary>One RevokeGrant per grant (not per finding) when any of its kinds is configured to be revoked.</summary>
    private async Task<(string Remediation, Guid? CommandId)> RemediateAsync(
        Run run, ClientVisit visit, OAuthGrant grant, IReadOnlyList<GrantRuleFinding> found, CancellationToken cancellationToken)
    {
        var reasons = found.Where(f => run.RevokeKinds.Contains(f.Kind)).Select(static f => f.Kind).ToList();
        if (reasons.Count == 0)
        {
            return (FindingRemediations.Reported, null);
        }

        // One command id per grant and UTC day: repeats within the day (hourly runs, a re-fired trigger) are answered
        // by the ledger without calling Wacht; a revocation that failed for good is tried again the next day instead of
        // never (the ledger would replay a failed command id forever).
        var commandId = RevokeCommandId(visit.DeploymentId, grant.Id, run.Now);
        if (await commands.FindAsync(commandId, cancellationToken) is { State: CommandState.Failed, Outcome.Retryable: false })
        {
            // Sending it again today would only replay the failure (and take a slot a new grant could use).
            Interlocked.Increment(ref run.RevocationsFailed);
            return (FindingRemediations.RevokeFailed, commandId);
        }

        // The cap slot is taken before sending, so parallel visits never send more than the cap between them.
        if (Interlocked.Increment(ref run.RevocationSlots) > run.Settings.MaxRevocationsPerRun)
        {
            Interlocked.Increment(ref run.RevocationsDeferred);
            return (FindingRemediations.RevokeDeferred, null);
        }

        if (run.DryRun)
        {
            Interlocked.Increment(ref run.RevocationsRequested);
            return (FindingRemediations.WouldRevoke, null);
        }

        var command = new RevokeGrant
        {
            CommandId = commandId,
            DeploymentId = visit.DeploymentId,
            AppSlug = visit.App.Slug,
            OAuthClientId = visit.Client.Id,
            GrantId = grant.Id,
            RequestedBy = RequestedBy,
            Reason = $"grant audit: {string.Join(", ", reasons)}",
            Trigger = CommandTriggers.Audit,
        };
        try
        {
            var endpoint = await bus.GetSendEndpoint(CommandQueues.RevokeGrant);
            await endpoint.Send(command, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Not sent: the slot stays taken (the cap bounds attempts), the error is in the summary, and the next run,
            // which finds the grant again, sends the same command id.
            var failure = CommandFailure.From(e);
            run.Errors.Enqueue(new JobError(visit.DeploymentId, visit.App.Slug, visit.Client.Id, failure.Code, $"RevokeGrant for grant {grant.Id} could not be sent: {failure.Message}"));
            LogSendFailed(visit.DeploymentId, visit.App.Slug, visit.Client.Id, grant.Id, failure.Code, failure.Message);
            Interlocked.Increment(ref run.RevocationsDeferred);
            return (FindingRemediations.RevokeDeferred, null);
        }

        Interlocked.Increment(ref run.RevocationsRequested);
        return (FindingRemediations.RevokeRequested, command.CommandId);
    }

    /// <summary>The RevokeGrant command id the audit uses for a grant on the UTC day of <paramref name="now"/>.</summary>
    public static Guid RevokeCommandId(string deploymentId, string grantId, DateTimeOffset now) =>
        DeterministicGuid.Create(
            "grant-audit-revoke", deploymentId, grantId, DateOnly.FromDateTime(now.UtcDateTime).ToString("O", CultureInfo.InvariantCulture));

    private static HashSet<string> RevokeKinds(GrantAuditOptions settings) =>
        // Configuration keys are case-insensitive; the validator only lets the grant kinds' names (in any case) through.
        FindingKinds.Grant
            .Where(kind => settings.Remediation.Any(p =>
                string.Equals(p.Key, kind, StringComparison.OrdinalIgnoreCase) && p.Value == FindingRemediation.Revoke))
            .ToHashSet(StringComparer.Ordinal);

    private static int KindOrder(string kind)
    {
        for (var i = 0; i < FindingKinds.All.Count; i++)
        {
            if (string.Equals(FindingKinds.All[i], kind, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a finding kind.");
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Grant audit {RunId} ({Trigger}, dry run {DryRun}) finished: {Deployments} deployments, {Apps} apps, {Clients} clients, {Grants} grants; {Findings} findings ({Published} published, {Suppressed} suppressed); {RevocationsRequested} revocations requested, {RevocationsDeferred} deferred; {Errors} errors")]
    private partial void LogCompleted(
        Guid runId, string trigger, bool dryRun, int deployments, int apps, int clients, int grants, int findings,
        int published, int suppressed, int revocationsRequested, int revocationsDeferred, int errors);

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Grant audit finding: deployment {DeploymentId} app {AppSlug} client {OAuthClientId} grant {GrantId}: {Kind} ({Detail}); remediation {Remediation}; published {Published}")]
    private partial void LogFinding(
        string deploymentId, string appSlug, string oauthClientId, string grantId, string kind, string detail, string remediation, bool published);

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Credential audit finding: deployment {DeploymentId} app {AppSlug} client {OAuthClientId}: {Kind} ({Detail}); published {Published}")]
    private partial void LogCredentialFinding(string deploymentId, string appSlug, string oauthClientId, string kind, string detail, bool published);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Grant audit could not send RevokeGrant for deployment {DeploymentId} app {AppSlug} client {OAuthClientId} grant {GrantId}: {ErrorCode} {ErrorMessage}")]
    private partial void LogSendFailed(string deploymentId, string appSlug, string oauthClientId, string grantId, string errorCode, string errorMessage);

    /// <summary>The state of one run, shared by its parallel visits (counters are updated with <see cref="Interlocked"/>).</summary>
    private sealed class Run(
        Guid runId,
        DateTimeOffset now,
        bool dryRun,
        GrantAuditOptions settings,
        HashSet<string> revokeKinds,
        bool collect,
        RotationSweepOptions sweep,
        TargetFilter sweepFilter,
        IGrantAuditSink? sink)
    {
        private readonly SemaphoreSlim _delivery = new(1, 1);

        public readonly int[] ByKind = new int[FindingKinds.All.Count];
        public int Clients;
        public int Grants;
        public int Published;
        public int Suppressed;
        public int RevocationSlots;
        public int RevocationsRequested;
        public int RevocationsDeferred;

        public int RevocationsFailed;

        public Guid RunId { get; } = runId;

        public DateTimeOffset Now { get; } = now;

        public bool DryRun { get; } = dryRun;

        public GrantAuditOptions Settings { get; } = settings;

        public HashSet<string> RevokeKinds { get; } = revokeKinds;

        public ConcurrentQueue<JobError> Errors { get; } = new();

        public ConcurrentBag<GrantAuditFinding>? Collected { get; } = collect ? [] : null;

        public ConcurrentBag<CredentialAuditFinding>? CollectedCredentials { get; } = collect ? [] : null;

        /// <summary>The rotation sweep's settings: SecretNeverRotated uses its maximum age and command window.</summary>
        public RotationSweepOptions Sweep { get; } = sweep;

        /// <summary>The rotation sweep's filters: a client they leave out gets no sweep command id.</summary>
        public TargetFilter SweepFilter { get; } = sweepFilter;

        /// <summary>Hands one client's findings to the sink (one call at a time) and, when collecting, to the report.</summary>
        public async ValueTask DeliverAsync(List<GrantAuditFinding> findings, CancellationToken cancellationToken)
        {
            if (Collected is { } collected)
            {
                findings.ForEach(collected.Add);
            }

            if (sink is null || findings.Count == 0)
            {
                return;
            }

            await _delivery.WaitAsync(cancellationToken);
            try
            {
                await sink.WriteAsync(findings, cancellationToken);
            }
            finally
            {
                _delivery.Release();
            }
        }

        /// <summary>Hands one client's or app's credential findings to the sink and, when collecting, to the report (like <see cref="DeliverAsync(List{GrantAuditFinding}, CancellationToken)"/>).</summary>
        public async ValueTask DeliverCredentialsAsync(List<CredentialAuditFinding> findings, CancellationToken cancellationToken)
        {
            if (CollectedCredentials is { } collected)
            {
                findings.ForEach(collected.Add);
            }

            if (sink is null || findings.Count == 0)
            {
                return;
            }

            await _delivery.WaitAsync(cancellationToken);
            try
            {
                await sink.WriteCredentialsAsync(findings, cancellationToken);
            }
            finally
            {
                _delivery.Release();
            }
        }
    }
}
