using System.Globalization;
using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.Rotation;

/// <summary>The signing-key policy's answer for one app.</summary>
/// <param name="SkipReason">A <see cref="SweepSkipReasons"/> value for <see cref="RotationVerdict.Skip"/> (and <c>not_due</c> for <see cref="RotationVerdict.Warn"/>); null for <see cref="RotationVerdict.Due"/>.</param>
/// <param name="Kid">The active key evaluated; null when the policy stopped before the key.</param>
/// <param name="KeyIssuedAt">The earliest the active key can have been created (its age is measured from here); null with <paramref name="Kid"/>.</param>
/// <param name="AgeSource">One of <see cref="SigningKeyRotationPolicy.AgeFromLedger"/>, <see cref="SigningKeyRotationPolicy.AgeObserved"/>, <see cref="SigningKeyRotationPolicy.AgeFromAppCreatedAt"/>.</param>
/// <param name="Age">Now minus <paramref name="KeyIssuedAt"/> (negative when the clocks disagree; then not due).</param>
/// <param name="DueAt"><paramref name="KeyIssuedAt"/> plus the maximum age.</param>
public sealed record SigningKeyEvaluation(
    RotationVerdict Verdict,
    string? SkipReason,
    string? Kid,
    DateTimeOffset? KeyIssuedAt,
    string? AgeSource,
    TimeSpan Age,
    DateTimeOffset? DueAt)
{
    internal static SigningKeyEvaluation Skipped(string reason, string? kid = null) => new(RotationVerdict.Skip, reason, kid, null, null, TimeSpan.Zero, null);
}

/// <summary>What the sweep decided about one app's signing key (<see cref="SigningKeyRotationPolicy.Plan"/>).</summary>
/// <param name="Action">One of <see cref="SweepActions"/>.</param>
/// <param name="CommandId">The RotateSigningKey command id (sent, or that would be sent); null for a warning.</param>
public sealed record SigningKeyDecision(
    string DeploymentId,
    string AppSlug,
    string Kid,
    string Action,
    DateTimeOffset KeyIssuedAt,
    string AgeSource,
    TimeSpan Age,
    Guid? CommandId,
    string Reason);

/// <summary>An app whose key the sweep evaluated, for <see cref="SigningKeyRotationPolicy.Plan"/>.</summary>
public sealed record SigningKeyCandidate(string DeploymentId, string AppSlug, SigningKeyEvaluation Evaluation);

/// <summary>
/// The rotation sweep's signing-key policy, pure (no I/O, no clock): whether an app is out of scope, has no active key,
/// is due or should be warned (<see cref="Evaluate"/>), and which due apps get a command within the cap (<see cref="Plan"/>).
/// </summary>
/// <remarks>
/// The contract's signing keys carry no timestamps, so the key's age is measured from the earliest instant it can have
/// been created, from the best evidence at hand, in this order: this worker's own change that made it the active key
/// (<see cref="AgeFromLedger"/>: the intent recorded before its rotate or compromise call); else the sweep's sightings
/// (<see cref="AgeObserved"/>: the last time the sweep saw another key active, before it first saw this one); else the
/// app's <c>created_at</c> (<see cref="AgeFromAppCreatedAt"/>: a key cannot be older than its app). Each is a lower
/// bound of the key's creation, so the age is never under-stated and a key is never rotated later than the maximum age;
/// a key rotated elsewhere before the sweep first saw the app may be rotated early, once.
/// </remarks>
public static class SigningKeyRotationPolicy
{
    /// <summary>This worker made the key active (its signing-key history).</summary>
    public const string AgeFromLedger = "ledger";

    /// <summary>The sweep saw another key active before it first saw this one.</summary>
    public const string AgeObserved = "observed";

    /// <summary>Neither: the app's <c>created_at</c>.</summary>
    public const string AgeFromAppCreatedAt = "app_created_at";

    /// <summary>The checks that need no call: a skip reason, or null when the app's keys must be read.</summary>
    public static string? Screen(string deploymentId, OAuthApp app, TargetFilter filter)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(filter);
        if (!filter.IncludesApp(deploymentId, app.Slug))
        {
            return SweepSkipReasons.Filtered;
        }

        return app.IsActive ? null : SweepSkipReasons.AppInactive;
    }

    /// <summary>Decides about one app.</summary>
    /// <param name="active">The app's active key as listed, or null.</param>
    /// <param name="history">The app's signing-key history in the ledger, newest first.</param>
    /// <param name="sighting">The app's sighting including this sweep's (<see cref="SigningKeySighting.Next"/>), or null.</param>
    public static SigningKeyEvaluation Evaluate(
        string deploymentId,
        OAuthApp app,
        SigningKey? active,
        IReadOnlyList<SigningKeyChange> history,
        SigningKeySighting? sighting,
        DateTimeOffset now,
        TimeSpan maxAge,
        TimeSpan warningWindow,
        TargetFilter filter)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (Screen(deploymentId, app, filter) is { } reason)
        {
            return SigningKeyEvaluation.Skipped(reason);
        }

        if (active is null)
        {
            return SigningKeyEvaluation.Skipped(SweepSkipReasons.NoActiveKey);
        }

        var (issuedAt, source) = history.FirstOrDefault(c => c.Created(active.Kid)) is { } change
            ? (change.ChangedAt, AgeFromLedger)
            : sighting is { CreatedAfter: { } after } && string.Equals(sighting.Kid, active.Kid, StringComparison.Ordinal)
                ? (after, AgeObserved)
                : (app.CreatedAt, AgeFromAppCreatedAt);
        var age = now - issuedAt;
        var dueAt = issuedAt + maxAge;
        if (age >= maxAge)
        {
            return new SigningKeyEvaluation(RotationVerdict.Due, null, active.Kid, issuedAt, source, age, dueAt);
        }

        var warn = warningWindow > TimeSpan.Zero && age >= maxAge - warningWindow;
        return new SigningKeyEvaluation(warn ? RotationVerdict.Warn : RotationVerdict.Skip, SweepSkipReasons.NotDue, active.Kid, issuedAt, source, age, dueAt);
    }

    /// <summary>
    /// The actions for the due apps of one sweep: the oldest keys first (ties by deployment and app, so the same
    /// inventory always gets the same slots), the first <paramref name="cap"/> rotated (<c>would_rotate</c> in a dry run),
    /// the rest <c>deferred</c>. Every app gets its command id for the window, sent or not.
    /// </summary>
    public static IReadOnlyList<SigningKeyDecision> Plan(
        IEnumerable<SigningKeyCandidate> due, DateTimeOffset windowStart, TimeSpan maxAge, int cap, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(due);
        return [.. due
            .Where(static c => c.Evaluation.Verdict == RotationVerdict.Due)
            .OrderByDescending(static c => c.Evaluation.Age)
            .ThenBy(static c => c.DeploymentId, StringComparer.Ordinal)
            .ThenBy(static c => c.AppSlug, StringComparer.Ordinal)
            .Select((c, i) => new SigningKeyDecision(
                c.DeploymentId,
                c.AppSlug,
                c.Evaluation.Kid!,
                i >= cap ? SweepActions.Deferred : dryRun ? SweepActions.WouldRotate : SweepActions.Rotate,
                c.Evaluation.KeyIssuedAt!.Value,
                c.Evaluation.AgeSource!,
                c.Evaluation.Age,
                CommandId(c.DeploymentId, c.AppSlug, windowStart),
                Reason(c.Evaluation.Age, maxAge)))];
    }

    /// <summary>The audit-trail reason of a rotation, e.g. <c>signing key 200 days old; maximum age 180 days</c>.</summary>
    public static string Reason(TimeSpan age, TimeSpan maxAge) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"signing key {Math.Floor(age.TotalDays):0} days old; maximum age {maxAge.TotalDays:0.##} days");

    /// <summary>The id of the scheduled RotateSigningKey of an app in the window starting at <paramref name="windowStart"/> (<see cref="RotationPolicy.WindowStart"/>).</summary>
    public static Guid CommandId(string deploymentId, string appSlug, DateTimeOffset windowStart) =>
        DeterministicGuid.Create(
            "signing-key-sweep",
            deploymentId,
            appSlug,
            windowStart.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
}
