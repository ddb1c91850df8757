namespace Wacht.Worker.Ledger.Sql;

/// <summary>
/// The Sqlite ledger's schema, one entry per version. Versions 1 to 3 are the DDL of the ledger before it was one
/// implementation, unchanged (databases made by it carry exactly these); later versions are shared
/// (<see cref="LedgerMigrations"/>). Append at the end; never edit an applied migration.
/// </summary>
internal static class SqliteMigrations
{
    /// <summary>The table that records which versions were applied (created before the first migration).</summary>
    internal const string CreateSchemaVersion =
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL);";

    internal static readonly IReadOnlyList<string> All =
    [
        // 1: commands and rotation history.
        """
        CREATE TABLE commands (
            command_id TEXT NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL,
            deployment_id TEXT NOT NULL,
            app_slug TEXT NOT NULL,
            target_id TEXT NULL,
            state TEXT NOT NULL CHECK (state IN ('received', 'rotating', 'pendingdelivery', 'succeeded', 'failed')),
            "trigger" TEXT NOT NULL,
            requested_by TEXT NULL,
            reason TEXT NULL,
            rotate_calls INTEGER NOT NULL DEFAULT 0,
            pending_client_id TEXT NULL,
            pending_secret BLOB NULL,
            pending_issued_at TEXT NULL,
            outcome_succeeded INTEGER NULL,
            outcome_type TEXT NULL,
            outcome_json TEXT NULL,
            outcome_retryable INTEGER NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE rotations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            command_id TEXT NOT NULL,
            deployment_id TEXT NOT NULL,
            app_slug TEXT NOT NULL,
            oauth_client_id TEXT NOT NULL,
            client_id TEXT NOT NULL,
            rotated_at TEXT NOT NULL,
            "trigger" TEXT NOT NULL,
            requested_by TEXT NULL,
            reason TEXT NULL,
            destination TEXT NOT NULL,
            destination_key TEXT NOT NULL,
            secret_fingerprint TEXT NOT NULL
        );
        CREATE INDEX ix_rotations_client ON rotations (deployment_id, oauth_client_id, rotated_at);
        CREATE UNIQUE INDEX ux_rotations_command ON rotations (command_id);
        """,

        // 2: when a rotation last recorded its intent to call rotate (same text format as the other timestamps), and
        // the lookup of a client's commands.
        """
        ALTER TABLE commands ADD COLUMN rotating_at TEXT NULL;
        CREATE INDEX ix_commands_target ON commands (kind, deployment_id, target_id);
        """,

        // 3: what the scheduled jobs remember: their runs, each client's latest rotation-due warning day (ISO date
        // text, yyyy-MM-dd, which sorts chronologically), and the audit findings already published.
        """
        CREATE TABLE job_runs (
            run_id TEXT NOT NULL PRIMARY KEY,
            job TEXT NOT NULL,
            "trigger" TEXT NOT NULL,
            dry_run INTEGER NOT NULL,
            scheduled_fire_at TEXT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            instance TEXT NOT NULL,
            succeeded INTEGER NOT NULL,
            summary_json TEXT NOT NULL
        );
        CREATE INDEX ix_job_runs_job ON job_runs (job, started_at);
        CREATE TABLE rotation_due_warnings (
            deployment_id TEXT NOT NULL,
            oauth_client_id TEXT NOT NULL,
            warned_on TEXT NOT NULL,
            warned_at TEXT NOT NULL,
            PRIMARY KEY (deployment_id, oauth_client_id)
        );
        CREATE TABLE audit_findings (
            deployment_id TEXT NOT NULL,
            grant_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            oauth_client_id TEXT NOT NULL,
            detail_hash TEXT NOT NULL,
            first_published_at TEXT NOT NULL,
            last_published_at TEXT NOT NULL,
            PRIMARY KEY (deployment_id, grant_id, kind)
        );
        CREATE INDEX ix_audit_findings_client ON audit_findings (deployment_id, oauth_client_id);
        """,

        // 4: the indexes the hot queries need (shared text).
        LedgerMigrations.HotQueryIndexes,

        // 5: the command's payload fingerprint and validated user (shared text).
        LedgerMigrations.CommandPayloadColumns,

        // 6: a rotate call's in-flight deadline (until when a call whose answer was lost may still take effect at
        // Wacht), the command's route and destination key (decided before the rotate call), and who sent each rotation,
        // by which route, and when its secret was verified. Nullable columns without a default: catalogue changes only.
        """
        ALTER TABLE commands ADD COLUMN rotate_in_flight_until TEXT NULL;
        ALTER TABLE commands ADD COLUMN route TEXT NULL;
        ALTER TABLE commands ADD COLUMN destination TEXT NULL;
        ALTER TABLE commands ADD COLUMN destination_key TEXT NULL;
        ALTER TABLE rotations ADD COLUMN sent_by TEXT NULL;
        ALTER TABLE rotations ADD COLUMN route TEXT NULL;
        ALTER TABLE rotations ADD COLUMN verified_at TEXT NULL;
        """,

        // 7: signing keys: the command's intent, the worker's signing-key history, the sweep's sightings and warnings.
        LedgerMigrations.SqliteSigningKeys,
    ];
}
