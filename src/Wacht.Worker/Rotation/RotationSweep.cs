using System.Collections.Concurrent;
using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;
using Wacht.Worker.Rotation.Validity;

namespace Wacht.Worker.Rotation;

/// <summary>
/// One run of the secret-rotation sweep: walks every configured deployment's clients, applies the rotation policy,
/// sends RotateSecret commands (trigger <c>schedule</c>) for due clients, publishes SecretRotationDue warnings, then
/// (when <see cref="RotationSweepOptions.MaxSigningKeyAge"/> is set) does the same for the apps' signing keys
/// (<see cref="SigningKeySweep"/>: RotateSigningKey, SigningKeyRotationDue), publishes a RotationSweepCompleted summary,
/// and records the run in the ledger. A dry run only reports, records its run and publishes its summary (both marked
/// dry run).
/// </summary>
/// <remarks>
/// <para>
/// The sweep never rotates by itself: it sends <see cref="RotateSecret"/> to <see cref="CommandQueues.RotateSecret"/>,
/// so a scheduled rotation goes through the same consumer, ledger, client lock and result events as any other. The
/// command id is derived from the client and the command window the fire time falls in
/// (<see cref="RotationPolicy.CommandId"/>), so a re-fired or overlapping sweep in the same window sends the same id
/// and the ledger executes it once.
/// </para>
/// <para>
/// Cap (<see cref="RotationSweepOptions.MaxRotationsPerSweep"/>): the oldest secrets get the slots. The walk streams
/// and runs in parallel, so the due clients are collected as small candidate records (bounded by the number of due
/// clients, never by grants) and, after the walk, sorted by age (oldest first, then deployment, app and client id for
/// a stable order); the first N are sent, the rest are deferred (<c>Skipped["cap_reached"]</c>) to the next sweep.
/// </para>
/// <para>
/// Dry run: nothing changes anywhere. No command is sent (<see cref="RotationSweepCompleted.Rotated"/> counts what would
/// have been sent), no <see cref="SecretRotationDue"/> is published or recorded (<see cref="RotationSweepCompleted.Warned"/>
/// counts the clients inside the warning window, decision <see cref="SweepActions.WouldWarn"/>; a real run warns each at
/// most once a day), and the only writes are the run's own record and its summary, both marked dry run.
/// </para>
/// <para>
/// Warnings are recorded in the job ledger before they are published (at most once per client per UTC day); a publish
/// that fails after the record is reported as a failed client and that day's warning is not repeated.
/// </para>
/// <para>
/// Counting: every client walked is counted once in <see cref="RotationSweepCompleted.ClientsSeen"/> and ends up in
/// exactly one of <see cref="RotationSweepCompleted.Rotated"/>, a <see cref="RotationSweepCompleted.Skipped"/> reason
/// (a warned client is also <c>not_due</c>), or the failed clients. <see cref="RotationSweepCompleted.Failed"/> adds the
/// deployments and apps that could not be listed and the commands that could not be sent.
/// </para>
/// <para>
/// Not covered by the deterministic id: a scheduled RotateSecret of an earlier window that is still queued or
/// retrying when the next window's sweep runs. The ledger's last successful rotation is what the age is measured
/// from, so such a client is still due and gets a second command with the new window's id; the client lock
/// serialises the two and the second rotates again (the destination ends up with the newer secret; the ledger
/// discards a superseded pending secret). This costs one redundant rotation, never a lost secret.
/// </para>
/// </remarks>
public sealed partial class RotationSweep(
    InventoryWalker walker,
    ICommandLedger commandLedger,
    IJobLedger jobLedger,
    IBus bus,
    DeliveredSecretCheck secretCheck,
    IOptionsMonitor<RotationSweepOptions> options,
    TimeProvider time,
    JobMetrics metrics,
    ILogger<RotationSweep> logger)
{
    /// <summary>The <c>RequestedBy</c> of the commands the sweep sends.</summary>
    public const string RequestedBy = "wacht-worker rotation sweep";

    /// <summary>Runs one sweep. Throws only when the run could not run at all; per-deployment errors are in the summary.</summary>
    public async Task<SweepReport> RunAsync(JobRunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.CurrentValue;
        var runId = Guid.NewGuid();
        var startedAt = time.GetUtcNow();
        var dryRun = request.DryRun ?? settings.DryRun;
        var windowStart = RotationPolicy.WindowStart(request.ScheduledFireAt ?? startedAt, settings.CommandWindow);
        var today = DateOnly.FromDateTime(startedAt.UtcDateTime);
        var filter = new TargetFilter(settings.Include, settings.Exclude);
        var checks = secretCheck.Begin(runId, windowStart, settings.CommandWindow, dryRun, request.CollectItems);

        var skipped = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var candidates = new ConcurrentQueue<Candidate>();
        var warnings = new ConcurrentQueue<SweepDecision>();
        var oldest = new ConcurrentDictionary<string, TimeSpan>(StringComparer.Ordinal);
        var warned = 0;

        var totals = await walker.WalkAsync(
            filter,
            settings.MaxParallelism,
            async (visit, ct) =>
            {
                var deploymentId = visit.DeploymentId;
                if (RotationPolicy.Screen(deploymentId, visit.App, visit.Client, filter) is { } reason)
                {
                    checks.Observe(visit, reason, null);
                    skipped.AddOrUpdate(reason, 1, static (_, n) => n + 1);
                    return;
                }

                var last = await commandLedger.FindLastRotationAsync(deploymentId, visit.Client.Id, ct);
                checks.Observe(visit, null, last);
                var evaluation = RotationPolicy.Evaluate(deploymentId, visit.App, visit.Client, last, startedAt, settings, filter);
                if (evaluation.Verdict != RotationVerdict.Due)
                {
                    Oldest(oldest, deploymentId, evaluation);
                }

                switch (evaluation.Verdict)
                {
                    case RotationVerdict.Due:
                        candidates.Enqueue(new Candidate(visit, evaluation));
                        return;
                    case RotationVerdict.Warn:
                        if (dryRun)
                        {
                            // A dry run neither records nor publishes the warning (either would hold back the real one).
                            Interlocked.Increment(ref warned);
                            LogWouldWarn(runId, deploymentId, visit.App.Slug, visit.Client.Id, visit.Client.ClientId, evaluation.DueAt!.Value);
                        }
                        else if (await WarnAsync(runId, visit, evaluation, settings, today, ct))
                        {
                            Interlocked.Increment(ref warned);
                        }

                        if (request.CollectItems)
                        {
                            warnings.Enqueue(Decision(
                                visit,
                                evaluation,
                                dryRun ? SweepActions.WouldWarn : SweepActions.Warn,
                                null,
                                string.Create(CultureInfo.InvariantCulture, $"secret {Math.Floor(evaluation.Age.TotalDays):0} days old; due for rotation at {evaluation.DueAt:u}")));
                        }

                        break;
                }

                skipped.AddOrUpdate(evaluation.SkipReason ?? SweepSkipReasons.NotDue, 1, static (_, n) => n + 1);
            },
            cancellationToken);

        // Oldest secrets first; ties broken by target so the same inventory always gets the same slots.
        var ordered = candidates
            .OrderByDescending(static c => c.Evaluation.Age)
            .ThenBy(static c => c.Visit.DeploymentId, StringComparer.Ordinal)
            .ThenBy(static c => c.Visit.App.Slug, StringComparer.Ordinal)
            .ThenBy(static c => c.Visit.Client.Id, StringComparer.Ordinal)
            .ToList();

        var errors = new List<JobError>(totals.Errors);
        var decisions = new List<SweepDecision>(request.CollectItems ? ordered.Count + warnings.Count : 0);
        decisions.AddRange(warnings);
        int rotated = 0, deferred = 0, sendFailures = 0;
        var sent = new HashSet<(string, string)>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var (visit, evaluation) = ordered[i];
            var commandId = RotationPolicy.CommandId(visit.DeploymentId, visit.Client.Id, windowStart);
            var reason = RotationPolicy.Reason(evaluation.Age, settings.MaxSecretAge);
            string action;
            if (i >= settings.MaxRotationsPerSweep || dryRun)
            {
                // Not rotated by this sweep: the secret keeps its age.
                Oldest(oldest, visit.DeploymentId, evaluation);
            }

            if (i >= settings.MaxRotationsPerSweep)
            {
                deferred++;
                action = SweepActions.Deferred;
                LogDeferred(runId, visit.DeploymentId, visit.App.Slug, visit.Client.Id, reason, settings.MaxRotationsPerSweep);
            }
            else if (dryRun)
            {
                rotated++;
                action = SweepActions.WouldRotate;
                LogWouldRotate(runId, visit.DeploymentId, visit.App.Slug, visit.Client.Id, visit.Client.ClientId, commandId, reason);
            }
            else
            {
                var command = new RotateSecret
                {
                    CommandId = commandId,
                    DeploymentId = visit.DeploymentId,
                    AppSlug = visit.App.Slug,
                    OAuthClientId = visit.Client.Id,
                    RequestedBy = RequestedBy,
                    Reason = reason,
                    Trigger = CommandTriggers.Schedule,
                };
                try
                {
                    var endpoint = await bus.GetSendEndpoint(CommandQueues.RotateSecret);
                    await endpoint.Send(command, cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    Oldest(oldest, visit.DeploymentId, evaluation);
                    sendFailures++;
                    var failure = CommandFailure.From(e);
                    errors.Add(new JobError(visit.DeploymentId, visit.App.Slug, visit.Client.Id, failure.Code, failure.Message));
                    LogSendFailed(runId, visit.DeploymentId, visit.App.Slug, visit.Client.Id, commandId, failure.Code, failure.Message);
                    continue;
                }

                rotated++;
                sent.Add((visit.DeploymentId, visit.Client.Id));
                action = SweepActions.Rotate;

                // Rotated by this sweep: the deployment is measured even when every secret of it was rotated.
                oldest.GetOrAdd(visit.DeploymentId, TimeSpan.Zero);
                LogSent(runId, visit.DeploymentId, visit.App.Slug, visit.Client.Id, visit.Client.ClientId, commandId, reason);
            }

            if (request.CollectItems)
            {
                decisions.Add(Decision(visit, evaluation, action, commandId, reason));
            }
        }

        // After the sends: a client this run rotates is not checked (its rotation verifies its own secret).
        var secretChecks = await checks.CheckAsync(sent, cancellationToken);
        errors.AddRange(secretChecks.Errors);
        if (deferred > 0)
        {
            skipped.AddOrUpdate(SweepSkipReasons.CapReached, deferred, (_, n) => n + deferred);
        }

        // Signing keys, per app, when configured: after the clients, with the same run id, filters, dry run and window.
        var keys = settings.MaxSigningKeyAge is { } maxKeyAge
            ? await new SigningKeySweep(walker, commandLedger, jobLedger, bus, logger)
                .RunAsync(runId, settings, maxKeyAge, dryRun, startedAt, windowStart, filter, request.CollectItems, cancellationToken)
            : SigningKeySweepResult.Off;
        errors.AddRange(keys.Errors);

        var finishedAt = time.GetUtcNow();
        var listingFailures = totals.Errors.Count(static e => e.OAuthClientId is null);
        var summary = new RotationSweepCompleted
        {
            RunId = runId,
            Trigger = request.Trigger,
            DryRun = dryRun,
            StartedAt = startedAt,
            FinishedAt = finishedAt,
            Deployments = totals.Deployments,
            ClientsSeen = totals.Clients,
            Due = ordered.Count,
            Rotated = rotated,
            Warned = warned,
            Skipped = skipped.Where(static p => p.Value > 0)
                .OrderBy(static p => p.Key, StringComparer.Ordinal)
                .ToDictionary(static p => p.Key, static p => p.Value, StringComparer.Ordinal),
            AppsSeen = keys.Apps,
            SigningKeysDue = keys.Due,
            SigningKeysRotated = keys.Rotated,
            SigningKeysWarned = keys.Warned,
            SigningKeysSkipped = keys.Skipped,
            Failed = totals.FailedClients + listingFailures + sendFailures + keys.Failed + secretChecks.Errors.Count,
            Errors = errors,
            SecretChecks = secretChecks.Summary,
        };

        // Recorded before the summary is published: a run that sent commands always leaves its record.
        await jobLedger.RecordJobRunAsync(
            new JobRunRecord(
                runId,
                JobNames.RotationSweep,
                request.Trigger,
                dryRun,
                request.ScheduledFireAt,
                startedAt,
                finishedAt,
                request.Instance ?? Environment.MachineName,
                Succeeded: errors.Count == 0,
                SummaryJson: OutcomeCodec.Serialize(summary)),
            cancellationToken);
        await bus.Publish(summary, cancellationToken);
        metrics.Completed(summary);
        metrics.SweepMeasured(oldest);
        LogCompleted(runId, request.Trigger, dryRun, summary.Deployments, summary.ClientsSeen, summary.Due, summary.Rotated, deferred, summary.Warned, summary.Failed);

        decisions.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.DeploymentId, b.DeploymentId);
            c = c != 0 ? c : string.CompareOrdinal(a.AppSlug, b.AppSlug);
            return c != 0 ? c : string.CompareOrdinal(a.OAuthClientId, b.OAuthClientId);
        });
        return new SweepReport(summary, decisions) { SigningKeyDecisions = keys.Decisions, SecretChecks = secretChecks.Items };
    }

    /// <summary>Records and publishes today's warning of a client; false when it was already warned today.</summary>
    private async Task<bool> WarnAsync(
        Guid runId, ClientVisit visit, RotationEvaluation evaluation, RotationSweepOptions settings, DateOnly today, CancellationToken cancellationToken)
    {
        if (!await jobLedger.TryRecordDueWarningAsync(visit.DeploymentId, visit.Client.Id, today, cancellationToken))
        {
            return false;
        }

        await bus.Publish(
            new SecretRotationDue
            {
                RunId = runId,
                DeploymentId = visit.DeploymentId,
                AppSlug = visit.App.Slug,
                OAuthClientId = visit.Client.Id,
                ClientId = visit.Client.ClientId,
                SecretIssuedAt = evaluation.SecretIssuedAt!.Value,
                SecretAgeSource = evaluation.AgeSource!,
                DueAt = evaluation.DueAt!.Value,
                MaxAgeDays = settings.MaxSecretAge.TotalDays,
            },
            cancellationToken);
        LogWarned(runId, visit.DeploymentId, visit.App.Slug, visit.Client.Id, visit.Client.ClientId, evaluation.DueAt.Value);
        return true;
    }

    private static SweepDecision Decision(ClientVisit visit, RotationEvaluation evaluation, string action, Guid? commandId, string reason) =>
        new(
            visit.DeploymentId,
            visit.App.Slug,
            visit.Client.Id,
            visit.Client.ClientId,
            visit.Client.ClientName,
            action,
            evaluation.SecretIssuedAt!.Value,
            evaluation.AgeSource!,
            evaluation.Age,
            commandId,
            reason);

    /// <summary>Keeps the oldest secret age seen per deployment (for the <c>wacht_worker.secret.oldest_age</c> gauge).</summary>
    private static void Oldest(ConcurrentDictionary<string, TimeSpan> oldest, string deploymentId, RotationEvaluation evaluation)
    {
        if (evaluation.SecretIssuedAt is not null)
        {
            oldest.AddOrUpdate(deploymentId, evaluation.Age, (_, age) => age >= evaluation.Age ? age : evaluation.Age);
        }
    }

    private sealed record Candidate(ClientVisit Visit, RotationEvaluation Evaluation);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Rotation sweep {RunId} sent RotateSecret {CommandId} for deployment {DeploymentId} app {AppSlug} client {OAuthClientId} ({ClientId}): {Reason}")]
    private partial void LogSent(Guid runId, string deploymentId, string appSlug, string oauthClientId, string clientId, Guid commandId, string reason);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Rotation sweep {RunId} (dry run) would send RotateSecret {CommandId} for deployment {DeploymentId} app {AppSlug} client {OAuthClientId} ({ClientId}): {Reason}")]
    private partial void LogWouldRotate(Guid runId, string deploymentId, string appSlug, string oauthClientId, string clientId, Guid commandId, string reason);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Rotation sweep {RunId} deferred deployment {DeploymentId} app {AppSlug} client {OAuthClientId} to the next sweep ({Reason}; the cap of {MaxRotationsPerSweep} rotations per sweep was reached)")]
    private partial void LogDeferred(Guid runId, string deploymentId, string appSlug, string oauthClientId, string reason, int maxRotationsPerSweep);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Rotation sweep {RunId} could not send RotateSecret {CommandId} for deployment {DeploymentId} app {AppSlug} client {OAuthClientId}: {ErrorCode} {ErrorMessage}")]
    private partial void LogSendFailed(Guid runId, string deploymentId, string appSlug, string oauthClientId, Guid commandId, string errorCode, string errorMessage);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Rotation sweep {RunId} warned that deployment {DeploymentId} app {AppSlug} client {OAuthClientId} ({ClientId}) is due for rotation at {DueAt:u}")]
    private partial void LogWarned(Guid runId, string deploymentId, string appSlug, string oauthClientId, string clientId, DateTimeOffset dueAt);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Rotation sweep {RunId} (dry run) would warn that deployment {DeploymentId} app {AppSlug} client {OAuthClientId} ({ClientId}) is due for rotation at {DueAt:u}")]
    private partial void LogWouldWarn(Guid runId, string deploymentId, string appSlug, string oauthClientId, string clientId, DateTimeOffset dueAt);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Rotation sweep {RunId} ({Trigger}, dry run: {DryRun}) finished: {Deployments} deployments, {ClientsSeen} clients, {Due} due, {Rotated} rotated, {Deferred} deferred by the cap, {Warned} warned, {Failed} failed")]
    private partial void LogCompleted(Guid runId, string trigger, bool dryRun, int deployments, int clientsSeen, int due, int rotated, int deferred, int warned, int failed);
}
