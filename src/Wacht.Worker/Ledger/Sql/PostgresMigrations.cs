namespace Wacht.Worker.Ledger.Sql;

/// <summary>
/// The Postgres ledger's schema, one entry per version. Versions 1 to 3 are the DDL of the ledger before it was one
/// implementation, unchanged (databases made by it carry exactly these); later versions are shared
/// (<see cref="LedgerMigrations"/>). Append at the end; never edit an applied migration.
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>The table that records which versions were applied (created before the first migration).</summary>
    internal const string CreateSchemaVersion =
        "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL);";

    internal static readonly IReadOnlyList<string> All =
    [
        // 1: commands and rotation history.
        """
        CREATE TABLE commands (
            command_id uuid NOT NULL PRIMARY KEY,
            kind text NOT NULL,
            deployment_id text NOT NULL,
            app_slug text NOT NULL,
            target_id text NULL,
            state text NOT NULL CHECK (state IN ('received', 'rotating', 'pendingdelivery', 'succeeded', 'failed')),
            "trigger" text NOT NULL,
            requested_by text NULL,
            reason text NULL,
            rotate_calls integer NOT NULL DEFAULT 0,
            pending_client_id text NULL,
            pending_secret bytea NULL,
            pending_issued_at timestamptz NULL,
            outcome_succeeded boolean NULL,
            outcome_type text NULL,
            outcome_json text NULL,
            outcome_retryable boolean NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE TABLE rotations (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            command_id uuid NOT NULL,
            deployment_id text NOT NULL,
            app_slug text NOT NULL,
            oauth_client_id text NOT NULL,
            client_id text NOT NULL,
            rotated_at timestamptz NOT NULL,
            "trigger" text NOT NULL,
            requested_by text NULL,
            reason text NULL,
            destination text NOT NULL,
            destination_key text NOT NULL,
            secret_fingerprint text NOT NULL
        );
        CREATE INDEX ix_rotations_client ON rotations (deployment_id, oauth_client_id, rotated_at);
        CREATE UNIQUE INDEX ux_rotations_command ON rotations (command_id);
        """,

        // 2: when a rotation last recorded its intent to call rotate, and the lookup of a client's commands. A nullable
        // column without a default is a catalogue change only; the index is built under the migration lock.
        """
        ALTER TABLE commands ADD COLUMN rotating_at timestamptz NULL;
        CREATE INDEX ix_commands_target ON commands (kind, deployment_id, target_id);
        """,

        // 3: what the scheduled jobs remember: their runs, each client's latest rotation-due warning day, and the audit
        // findings already published. New tables only: nothing existing is rewritten or locked for long.
        """
        CREATE TABLE job_runs (
            run_id uuid NOT NULL PRIMARY KEY,
            job text NOT NULL,
            "trigger" text NOT NULL,
            dry_run boolean NOT NULL,
            scheduled_fire_at timestamptz NULL,
            started_at timestamptz NOT NULL,
            finished_at timestamptz NOT NULL,
            instance text NOT NULL,
            succeeded boolean NOT NULL,
            summary_json text NOT NULL
        );
        CREATE INDEX ix_job_runs_job ON job_runs (job, started_at);
        CREATE TABLE rotation_due_warnings (
            deployment_id text NOT NULL,
            oauth_client_id text NOT NULL,
            warned_on date NOT NULL,
            warned_at timestamptz NOT NULL,
            PRIMARY KEY (deployment_id, oauth_client_id)
        );
        CREATE TABLE audit_findings (
            deployment_id text NOT NULL,
            grant_id text NOT NULL,
            kind text NOT NULL,
            oauth_client_id text NOT NULL,
            detail_hash text NOT NULL,
            first_published_at timestamptz NOT NULL,
            last_published_at timestamptz NOT NULL,
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
        ALTER TABLE commands ADD COLUMN rotate_in_flight_until timestamptz NULL;
        ALTER TABLE commands ADD COLUMN route text NULL;
        ALTER TABLE commands ADD COLUMN destination text NULL;
        ALTER TABLE commands ADD COLUMN destination_key text NULL;
        ALTER TABLE rotations ADD COLUMN sent_by text NULL;
        ALTER TABLE rotations ADD COLUMN route text NULL;
        ALTER TABLE rotations ADD COLUMN verified_at timestamptz NULL;
        """,

        // 7: signing keys: the command's intent, the worker's signing-key history, the sweep's sightings and warnings.
        LedgerMigrations.PostgresSigningKeys,
    ];
}
