namespace Wacht.Worker.Ledger;

/// <summary>
/// What the scheduled jobs (rotation sweep, grant audit) remember between runs: one record per run, the day each
/// client (and each app's signing key) was last warned that its rotation is due, the active signing key each app was
/// last seen with, and which audit findings were already published. Implemented by the same ledger as
/// <see cref="ICommandLedger"/> (same database, schema migrations 3 and 6).
/// Every method returns only after its write is durable.
/// </summary>
public interface IJobLedger
{
    /// <summary>Records a finished run of a job (idempotent by <see cref="JobRunRecord.RunId"/>: a second call replaces nothing).</summary>
    Task RecordJobRunAsync(JobRunRecord run, CancellationToken cancellationToken);

    /// <summary>The latest runs of <paramref name="job"/> (a <see cref="JobNames"/> value), newest (by start) first.</summary>
    Task<IReadOnlyList<JobRunRecord>> ListJobRunsAsync(string job, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the client was warned on <paramref name="day"/> (UTC). Returns true when this is the first warning of
    /// that client on that day (the caller then publishes), false when it was already warned that day.
    /// </summary>
    Task<bool> TryRecordDueWarningAsync(string deploymentId, string oauthClientId, DateOnly day, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the app's signing key is due for rotation was warned on <paramref name="day"/> (UTC). True when this is
    /// the app's first warning that day (the caller then publishes), false when it was already warned that day.
    /// </summary>
    Task<bool> TryRecordSigningKeyDueWarningAsync(string deploymentId, string appSlug, DateOnly day, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the sweep saw <paramref name="kid"/> as the app's active signing key at <paramref name="seenAt"/>, in
    /// one atomic step (<see cref="SigningKeySighting.Next"/>), and returns the sighting as stored.
    /// </summary>
    Task<SigningKeySighting> RecordSigningKeySightingAsync(
        string deploymentId, string appSlug, string kid, DateTimeOffset seenAt, CancellationToken cancellationToken);

    /// <summary>The app's last signing-key sighting, or null when the sweep never saw an active key of it.</summary>
    Task<SigningKeySighting?> FindSigningKeySightingAsync(string deploymentId, string appSlug, CancellationToken cancellationToken);

    /// <summary>The published findings recorded for one client's grants (every grant and kind), for de-duplication.</summary>
    Task<IReadOnlyList<PublishedFinding>> ListPublishedFindingsAsync(
        string deploymentId, string oauthClientId, CancellationToken cancellationToken);

    /// <summary>
    /// Records, in one transaction, that these findings were published (insert, or update the detail hash and
    /// <see cref="PublishedFinding.LastPublishedAt"/> of an existing grant+kind).
    /// </summary>
    Task RecordPublishedFindingsAsync(IReadOnlyList<PublishedFinding> findings, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets published findings that no longer hold (the grant was revoked, the scope un-archived…), in one
    /// transaction, so that if one comes back it is published as new, and the table does not keep resolved findings.
    /// </summary>
    Task ForgetPublishedFindingsAsync(string deploymentId, IReadOnlyList<(string GrantId, string Kind)> resolved, CancellationToken cancellationToken);
}
