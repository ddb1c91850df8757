namespace Wacht.Worker.Ledger;

/// <summary>
/// The SQL both ledgers share: column lists and fragments without parameters or types. Each ledger keeps its own DDL
/// (<c>Migrations</c>), parameter syntax, conflict handling and locking.
/// </summary>
internal static class LedgerSchema
{
    /// <summary>The <c>commands</c> columns <see cref="LedgerRows.ReadCommandAsync"/> maps, in its order.</summary>
    internal const string CommandColumns =
        "command_id, kind, deployment_id, app_slug, target_id, state, rotate_calls, created_at, updated_at, "
        + "outcome_succeeded, outcome_type, outcome_json, outcome_retryable";

    /// <summary>
    /// The <c>rotations</c> columns <see cref="LedgerRows.ReadRotationsAsync"/> maps, in its order; also the insert's
    /// column list.
    /// </summary>
    internal const string RotationColumns =
        "command_id, deployment_id, app_slug, oauth_client_id, client_id, rotated_at, \"trigger\", requested_by, reason, "
        + "destination, destination_key, secret_fingerprint";

    /// <summary>The columns <see cref="LedgerRows.ReadStateAsync"/> maps.</summary>
    internal const string StateColumns = "state, outcome_retryable";

    /// <summary>The columns <see cref="LedgerRows.ReadPendingSecretAsync"/> maps.</summary>
    internal const string PendingSecretColumns = "pending_client_id, pending_secret, pending_issued_at";

    /// <summary>The columns a new command is inserted with.</summary>
    internal const string InsertCommandColumns =
        "command_id, kind, deployment_id, app_slug, target_id, state, \"trigger\", requested_by, reason, rotate_calls, created_at, updated_at";

    /// <summary>SET assignments that erase a pending secret (delivery done).</summary>
    internal const string ClearPendingSecret = "pending_secret = NULL, pending_client_id = NULL, pending_issued_at = NULL";

    /// <summary>
    /// SET assignments that abandon an undecryptable pending secret: erased, and back to <c>rotating</c> so the next
    /// attempt rotates again.
    /// </summary>
    internal const string AbandonPendingSecret = ClearPendingSecret + ", state = 'rotating'";

    /// <summary>
    /// The kind of a rotation command (as <see cref="Rotation.RotateSecretHandler.CommandKind"/>), whose rotate intents
    /// <see cref="ICommandLedger.FindLatestRotateIntentAsync"/> reports.
    /// </summary>
    internal const string RotateSecretKind = "rotate-secret";

    /// <summary>SET assignments that re-open a failed command: back to the state it failed in, outcome cleared.</summary>
    internal const string Reopen =
        "state = CASE WHEN pending_secret IS NULL THEN 'received' ELSE 'pendingdelivery' END, "
        + "outcome_succeeded = NULL, outcome_type = NULL, outcome_json = NULL, outcome_retryable = NULL";

    /// <summary>The order of a client's rotation history: newest first.</summary>
    internal const string NewestRotationFirst = "ORDER BY rotated_at DESC, id DESC";

    /// <summary>
    /// The <c>job_runs</c> columns <see cref="LedgerRows.ReadJobRunsAsync"/> maps, in its order; also the insert's column
    /// list.
    /// </summary>
    internal const string JobRunColumns =
        "run_id, job, \"trigger\", dry_run, scheduled_fire_at, started_at, finished_at, instance, succeeded, summary_json";

    /// <summary>A job run is recorded once: a second record of the same run id changes nothing.</summary>
    internal const string JobRunConflict = "ON CONFLICT (run_id) DO NOTHING";

    /// <summary>The order of a job's runs: newest start first (ties: latest finish, then run id, for a stable order).</summary>
    internal const string NewestJobRunFirst = "ORDER BY started_at DESC, finished_at DESC, run_id DESC";

    /// <summary>The columns a due warning is recorded with.</summary>
    internal const string DueWarningColumns = "deployment_id, oauth_client_id, warned_on, warned_at";

    /// <summary>
    /// The table keeps only each client's latest warning day. A warning for a later day replaces it (one row affected);
    /// a warning for the same (or an earlier) day changes nothing (no row affected), so the affected-row count says
    /// whether this is the client's first warning of the day. On PostgreSQL a concurrent insert or update of the same
    /// client waits for the other transaction, and the WHERE is then checked against the committed row: exactly one
    /// instance sees a row affected.
    /// </summary>
    internal const string DueWarningConflict =
        "ON CONFLICT (deployment_id, oauth_client_id) DO UPDATE SET warned_on = excluded.warned_on, warned_at = excluded.warned_at "
        + "WHERE rotation_due_warnings.warned_on < excluded.warned_on";

    /// <summary>The <c>audit_findings</c> columns <see cref="LedgerRows.ReadPublishedFindingsAsync"/> maps, in its order.</summary>
    internal const string PublishedFindingColumns = "deployment_id, oauth_client_id, grant_id, kind, detail_hash, last_published_at";

    /// <summary>The columns a published finding is inserted with (the first and last publication time are the same then).</summary>
    internal const string InsertPublishedFindingColumns =
        "deployment_id, oauth_client_id, grant_id, kind, detail_hash, first_published_at, last_published_at";

    /// <summary>A finding published again keeps its first publication time and takes the new hash, client and time.</summary>
    internal const string PublishedFindingConflict =
        "ON CONFLICT (deployment_id, grant_id, kind) DO UPDATE SET oauth_client_id = excluded.oauth_client_id, "
        + "detail_hash = excluded.detail_hash, last_published_at = excluded.last_published_at";

    /// <summary>The order of a client's published findings (stable, for de-duplication and tests).</summary>
    internal const string PublishedFindingOrder = "ORDER BY grant_id, kind";

    /// <summary>Throws when the database was migrated by a newer worker than this one.</summary>
    /// <param name="database">How the message names the database (e.g. its file), or null.</param>
    internal static void EnsureKnownVersion(long current, int known, string? database)
    {
        if (current > known)
        {
            var name = database is null ? "The ledger database" : $"The ledger database '{database}'";
            throw new InvalidOperationException(
                $"{name} has schema version {current}, newer than this worker knows ({known}). Upgrade the worker.");
        }
    }
}
