using System.Collections.Concurrent;
using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Logging;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;
using Wacht.Worker.SigningKeys;

namespace Wacht.Worker.Rotation;

/// <summary>What the signing-key phase of one sweep did.</summary>
internal sealed record SigningKeySweepResult(
    int Apps,
    int Due,
    int Rotated,
    int Warned,
    IReadOnlyDictionary<string, int> Skipped,
    int Failed,
    IReadOnlyList<JobError> Errors,
    IReadOnlyList<SigningKeyDecision> Decisions)
{
    /// <summary>Signing-key rotation is off (no <c>MaxSigningKeyAge</c>): nothing walked.</summary>
    public static SigningKeySweepResult Off { get; } = new(0, 0, 0, 0, new Dictionary<string, int>(), 0, [], []);
}

/// <summary>
/// The rotation sweep's signing-key phase: walks every app, reads its active key, measures its age
/// (<see cref="SigningKeyRotationPolicy"/>), sends RotateSigningKey (trigger <c>schedule</c>) for the oldest due keys
/// within the cap, and publishes SigningKeyRotationDue warnings (once per app per UTC day, recorded in the job ledger
/// before publishing). Each visit also records the active key it saw (the sightings that bound a key's age); a dry run
/// records nothing, sends nothing, publishes nothing, and reports what a real run would do.
/// </summary>
internal sealed class SigningKeySweep(
    InventoryWalker walker,
    ICommandLedger commandLedger,
    IJobLedger jobLedger,
    IBus bus,
    ILogger logger)
{
    /// <summary>The <c>RequestedBy</c> of the commands the phase sends (the sweep's).</summary>
    public const string RequestedBy = RotationSweep.RequestedBy;

    public async Task<SigningKeySweepResult> RunAsync(
        Guid runId,
        RotationSweepOptions settings,
        TimeSpan maxAge,
        bool dryRun,
        DateTimeOffset now,
        DateTimeOffset windowStart,
        TargetFilter filter,
        bool collect,
        CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var skipped = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var candidates = new ConcurrentQueue<SigningKeyCandidate>();
        var warnings = new ConcurrentQueue<SigningKeyDecision>();
        var warned = 0;

        var totals = await walker.WalkAppsAsync(
            filter,
            settings.MaxParallelism,
            async (visit, ct) =>
            {
                var (deploymentId, wacht, app) = visit;
                if (SigningKeyRotationPolicy.Screen(deploymentId, app, filter) is { } reason)
                {
                    skipped.AddOrUpdate(reason, 1, static (_, n) => n + 1);
                    return;
                }

                var active = SigningKeyCommands.ActiveKey(await wacht.ListOAuthAppSigningKeysAsync(app.Slug, ct));
                SigningKeySighting? sighting = null;
                if (active is not null)
                {
                    // A dry run computes the sighting without storing it (storing is a change, and would shift the bound).
                    sighting = dryRun
                        ? SigningKeySighting.Next(await jobLedger.FindSigningKeySightingAsync(deploymentId, app.Slug, ct), deploymentId, app.Slug, active.Kid, now)
                        : await jobLedger.RecordSigningKeySightingAsync(deploymentId, app.Slug, active.Kid, now, ct);
                }

                var history = active is null ? [] : await commandLedger.ListSigningKeyChangesAsync(deploymentId, app.Slug, ct);
                var evaluation = SigningKeyRotationPolicy.Evaluate(
                    deploymentId, app, active, history, sighting, now, maxAge, settings.SigningKeyWarningWindow, filter);
                switch (evaluation.Verdict)
                {
                    case RotationVerdict.Due:
                        candidates.Enqueue(new SigningKeyCandidate(deploymentId, app.Slug, evaluation));
                        return;
                    case RotationVerdict.Warn:
                        if (dryRun)
                        {
                            Interlocked.Increment(ref warned);
                            SigningKeyLog.SweepWouldWarn(logger, runId, deploymentId, app.Slug, evaluation.Kid!, evaluation.DueAt!.Value);
                        }
                        else if (await WarnAsync(runId, visit, evaluation, maxAge, today, ct))
                        {
                            Interlocked.Increment(ref warned);
                        }

                        if (collect)
                        {
                            warnings.Enqueue(new SigningKeyDecision(
                                deploymentId,
                                app.Slug,
                                evaluation.Kid!,
                                dryRun ? SweepActions.WouldWarn : SweepActions.Warn,
                                evaluation.KeyIssuedAt!.Value,
                                evaluation.AgeSource!,
                                evaluation.Age,
                                null,
                                string.Create(CultureInfo.InvariantCulture, $"signing key {Math.Floor(evaluation.Age.TotalDays):0} days old; due for rotation at {evaluation.DueAt:u}")));
                        }

                        break;
                }

                skipped.AddOrUpdate(evaluation.SkipReason ?? SweepSkipReasons.NotDue, 1, static (_, n) => n + 1);
            },
            cancellationToken);

        var plan = SigningKeyRotationPolicy.Plan(candidates, windowStart, maxAge, settings.MaxSigningKeyRotationsPerSweep, dryRun);
        var errors = new List<JobError>(totals.Errors);
        var decisions = new List<SigningKeyDecision>(warnings);
        int rotated = 0, deferred = 0, sendFailures = 0;
        foreach (var decision in plan)
        {
            switch (decision.Action)
            {
                case SweepActions.Deferred:
                    deferred++;
                    SigningKeyLog.SweepDeferred(logger, runId, decision.DeploymentId, decision.AppSlug, decision.Reason, settings.MaxSigningKeyRotationsPerSweep);
                    break;
                case SweepActions.WouldRotate:
                    rotated++;
                    SigningKeyLog.SweepWouldRotate(logger, runId, decision.CommandId!.Value, decision.DeploymentId, decision.AppSlug, decision.Kid, decision.Reason);
                    break;
                default:
                    try
                    {
                        var endpoint = await bus.GetSendEndpoint(CommandQueues.RotateSigningKey);
                        await endpoint.Send(
                            new RotateSigningKey
                            {
                                CommandId = decision.CommandId!.Value,
                                DeploymentId = decision.DeploymentId,
                                AppSlug = decision.AppSlug,
                                RequestedBy = RequestedBy,
                                Reason = decision.Reason,
                                Trigger = CommandTriggers.Schedule,
                            },
                            cancellationToken);
                    }
                    catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                    {
                        sendFailures++;
                        var failure = CommandFailure.From(e);
                        errors.Add(new JobError(decision.DeploymentId, decision.AppSlug, null, failure.Code, $"RotateSigningKey could not be sent: {failure.Message}"));
                        SigningKeyLog.SweepSendFailed(logger, runId, decision.CommandId!.Value, decision.DeploymentId, decision.AppSlug, failure.Code, failure.Message);
                        continue;
                    }

                    rotated++;
                    SigningKeyLog.SweepSent(logger, runId, decision.CommandId!.Value, decision.DeploymentId, decision.AppSlug, decision.Kid, decision.Reason);
                    break;
            }

            if (collect)
            {
                decisions.Add(decision);
            }
        }

        if (deferred > 0)
        {
            skipped.AddOrUpdate(SweepSkipReasons.CapReached, deferred, (_, n) => n + deferred);
        }

        decisions.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.DeploymentId, b.DeploymentId);
            return c != 0 ? c : string.CompareOrdinal(a.AppSlug, b.AppSlug);
        });
        var listingFailures = totals.Errors.Count(static e => e.AppSlug is null);
        return new SigningKeySweepResult(
            totals.Apps,
            plan.Count,
            rotated,
            warned,
            skipped.Where(static p => p.Value > 0)
                .OrderBy(static p => p.Key, StringComparer.Ordinal)
                .ToDictionary(static p => p.Key, static p => p.Value, StringComparer.Ordinal),
            totals.FailedClients + listingFailures + sendFailures,
            errors,
            decisions);
    }

    /// <summary>Records and publishes today's warning of an app's key; false when it was already warned today.</summary>
    private async Task<bool> WarnAsync(
        Guid runId, AppVisit visit, SigningKeyEvaluation evaluation, TimeSpan maxAge, DateOnly today, CancellationToken cancellationToken)
    {
        if (!await jobLedger.TryRecordSigningKeyDueWarningAsync(visit.DeploymentId, visit.App.Slug, today, cancellationToken))
        {
            return false;
        }

        await bus.Publish(
            new SigningKeyRotationDue
            {
                RunId = runId,
                DeploymentId = visit.DeploymentId,
                AppSlug = visit.App.Slug,
                Kid = evaluation.Kid!,
                KeyIssuedAt = evaluation.KeyIssuedAt!.Value,
                KeyAgeSource = evaluation.AgeSource!,
                DueAt = evaluation.DueAt!.Value,
                MaxAgeDays = maxAge.TotalDays,
            },
            cancellationToken);
        SigningKeyLog.SweepWarned(logger, runId, visit.DeploymentId, visit.App.Slug, evaluation.Kid!, evaluation.DueAt!.Value);
        return true;
    }
}
