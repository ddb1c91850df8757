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
    /// The kind of a rotation command (as <see cref="Rotation.RotateSecretConsumer.Kind"/>), whose rotate intents
    /// <see cref="ICommandLedger.FindLatestRotateIntentAsync"/> reports.
    /// </summary>
    internal const string RotateSecretKind = "rotate-secret";

    /// <summary>SET assignments that re-open a failed command: back to the state it failed in, outcome cleared.</summary>
    internal const string Reopen =
        "state = CASE WHEN pending_secret IS NULL THEN 'received' ELSE 'pendingdelivery' END, "
        + "outcome_succeeded = NULL, outcome_type = NULL, outcome_json = NULL, outcome_retryable = NULL";

    /// <summary>The order of a client's rotation history: newest first.</summary>
    internal const string NewestRotationFirst = "ORDER BY rotated_at DESC, id DESC";

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
