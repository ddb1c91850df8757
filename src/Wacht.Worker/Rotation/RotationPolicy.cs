using System.Globalization;
using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.Rotation;

/// <summary>What <see cref="RotationPolicy.Evaluate"/> decided about one client.</summary>
public enum RotationVerdict
{
    /// <summary>Not rotated, not warned: <see cref="RotationEvaluation.SkipReason"/> says why.</summary>
    Skip,

    /// <summary>Not due yet, but within the warning window: a SecretRotationDue warning is due (once a day).</summary>
    Warn,

    /// <summary>The secret is at or past the maximum age: rotate (cap permitting).</summary>
    Due,
}

/// <summary>The policy's answer for one client.</summary>
/// <param name="SkipReason">A <see cref="SweepSkipReasons"/> value for <see cref="RotationVerdict.Skip"/> (and <c>not_due</c> for <see cref="RotationVerdict.Warn"/>: a warned client is not rotated either); null for <see cref="RotationVerdict.Due"/>.</param>
/// <param name="SecretIssuedAt">The ledger's last successful rotation, else the client's <c>created_at</c>; null when the policy stopped before the age (skipped for another reason).</param>
/// <param name="AgeSource"><see cref="RotationPolicy.AgeFromLedger"/> or <see cref="RotationPolicy.AgeFromCreatedAt"/>; null with <paramref name="SecretIssuedAt"/>.</param>
/// <param name="Age">Now minus <paramref name="SecretIssuedAt"/> (negative when the clocks disagree; then not due).</param>
/// <param name="DueAt"><paramref name="SecretIssuedAt"/> plus the maximum age.</param>
public sealed record RotationEvaluation(
    RotationVerdict Verdict,
    string? SkipReason,
    DateTimeOffset? SecretIssuedAt,
    string? AgeSource,
    TimeSpan Age,
    DateTimeOffset? DueAt)
{
    internal static RotationEvaluation Skipped(string reason) => new(RotationVerdict.Skip, reason, null, null, TimeSpan.Zero, null);
}

/// <summary>
/// The rotation sweep's policy, pure (no I/O, no clock): whether one client is out of scope, has no secret, is due, or
/// should be warned. The checks run in this order, the first that applies wins: filtered, app inactive, client
/// inactive, no secret (<see cref="ClientAuthMethods.UsesSecret"/> is false: <c>none</c>, <c>private_key_jwt</c> or a
/// method this worker does not know), then the secret's age against <see cref="RotationSweepOptions.MaxSecretAge"/>.
/// </summary>
/// <remarks>
/// The API does not say when a client's current secret was issued. The age is therefore measured from the ledger's
/// last successful rotation of the client, else from the client's <c>created_at</c>. A secret rotated outside this
/// worker (e.g. in the console) is not seen, so such a client may be rotated earlier than necessary; never later.
/// </remarks>
public static class RotationPolicy
{
    /// <summary>The age is measured from the ledger's last successful rotation.</summary>
    public const string AgeFromLedger = "ledger";

    /// <summary>The age is measured from the client's <c>created_at</c> (the ledger has no rotation of it).</summary>
    public const string AgeFromCreatedAt = "created_at";

    /// <summary>
    /// The checks that need no ledger: a skip reason, or null when only the age can decide (the sweep then looks up the
    /// last rotation and calls <see cref="Evaluate"/>).
    /// </summary>
    public static string? Screen(string deploymentId, OAuthApp app, OAuthClient client, TargetFilter filter)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(filter);
        if (!filter.Includes(deploymentId, app.Slug, client.Id, client.ClientId))
        {
            return SweepSkipReasons.Filtered;
        }

        if (!app.IsActive)
        {
            return SweepSkipReasons.AppInactive;
        }

        if (!client.IsActive)
        {
            return SweepSkipReasons.Inactive;
        }

        return ClientAuthMethods.UsesSecret(client.ClientAuthMethod) ? null : SweepSkipReasons.NoSecret;
    }

    /// <summary>Decides about one client.</summary>
    /// <param name="lastRotation">The ledger's last successful rotation of the client, or null.</param>
    /// <param name="now">The sweep's clock.</param>
    public static RotationEvaluation Evaluate(
        string deploymentId,
        OAuthApp app,
        OAuthClient client,
        RotationRecord? lastRotation,
        DateTimeOffset now,
        RotationSweepOptions options,
        TargetFilter filter)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Screen(deploymentId, app, client, filter) is { } reason)
        {
            return RotationEvaluation.Skipped(reason);
        }

        var (issuedAt, source) = lastRotation is null
            ? (client.CreatedAt, AgeFromCreatedAt)
            : (lastRotation.RotatedAt, AgeFromLedger);
        var age = now - issuedAt;
        var dueAt = issuedAt + options.MaxSecretAge;
        if (age >= options.MaxSecretAge)
        {
            return new RotationEvaluation(RotationVerdict.Due, null, issuedAt, source, age, dueAt);
        }

        var warn = options.WarningWindow > TimeSpan.Zero && age >= options.MaxSecretAge - options.WarningWindow;
        return new RotationEvaluation(warn ? RotationVerdict.Warn : RotationVerdict.Skip, SweepSkipReasons.NotDue, issuedAt, source, age, dueAt);
    }

    /// <summary>The audit-trail reason of a rotation, e.g. <c>secret 123 days old; maximum age 90 days</c>.</summary>
    public static string Reason(TimeSpan age, TimeSpan maxSecretAge) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"secret {Math.Floor(age.TotalDays):0} days old; maximum age {maxSecretAge.TotalDays:0.##} days");

    /// <summary>
    /// The start of the command window <paramref name="at"/> falls in: whole <paramref name="window"/>s since the Unix
    /// epoch (UTC). A sweep fired at any instant of the same window derives the same command ids.
    /// </summary>
    public static DateTimeOffset WindowStart(DateTimeOffset at, TimeSpan window)
    {
        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The command window must be positive.");
        }

        var sinceEpoch = at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var floored = sinceEpoch - (((sinceEpoch % window.Ticks) + window.Ticks) % window.Ticks);
        return DateTimeOffset.UnixEpoch.AddTicks(floored);
    }

    /// <summary>The id of the scheduled RotateSecret of a client in the window starting at <paramref name="windowStart"/>.</summary>
    public static Guid CommandId(string deploymentId, string oauthClientId, DateTimeOffset windowStart) =>
        DeterministicGuid.Create(
            "rotation-sweep",
            deploymentId,
            oauthClientId,
            windowStart.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
}
