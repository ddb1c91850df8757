namespace Wacht.Worker.Ledger.Sql;

/// <summary>
/// The schema versions after the first three: shared text where the DDL means the same on SQLite and PostgreSQL (4, 5),
/// one text per database where column types differ (7; 6 is written in each provider's list), and the check that a database is not newer than this worker.
/// </summary>
internal static class LedgerMigrations
{
    /// <summary>The version that adds <c>commands.payload_fingerprint</c> and <c>commands.validated_user</c>.</summary>
    internal const int CommandPayloadVersion = 5;

    /// <summary>
    /// The version that adds the rotate call's in-flight deadline, the command's route and destination key, and the
    /// sender, route and verification time of each rotation in the history.
    /// </summary>
    internal const int RotationRoutingVersion = 6;

    /// <summary>
    /// 4: an index per hot query that filters on equalities and then orders or aggregates, so each reads only its own
    /// rows, already in order (no full scan, no sort). Each replaces a shorter index that was a prefix of it.
    /// <list type="bullet">
    /// <item>The audit's per-client read of published findings (<c>ORDER BY grant_id, kind</c>): with only
    /// <c>(deployment_id, oauth_client_id)</c> SQLite preferred the primary key <c>(deployment_id, grant_id, kind)</c>
    /// for its order and read every finding of the deployment per client.</item>
    /// <item>A client's latest rotate intent (<c>MAX(rotating_at)</c> of its other rotate commands): the index covers
    /// the query (rotating_at and command_id included), so no table row is read.</item>
    /// <item>A client's last rotation and history (<c>ORDER BY rotated_at DESC, id DESC</c>): the tie-breaker is in
    /// the index, so PostgreSQL needs no sort either.</item>
    /// <item>A job's latest runs (<c>ORDER BY started_at DESC, finished_at DESC, run_id DESC</c>).</item>
    /// </list>
    /// Due warnings, findings' upserts and deletes, and commands by id use their primary keys. On PostgreSQL the
    /// indexes are built inside the migration transaction (CONCURRENTLY cannot run in one): writes to these tables
    /// wait for the build, which takes well under a second for hundreds of thousands of rows.
    /// </summary>
    internal const string HotQueryIndexes =
        """
        CREATE INDEX ix_audit_findings_client_grant ON audit_findings (deployment_id, oauth_client_id, grant_id, kind);
        DROP INDEX ix_audit_findings_client;
        CREATE INDEX ix_commands_rotate_intent ON commands (kind, deployment_id, target_id, rotating_at, command_id);
        DROP INDEX ix_commands_target;
        CREATE INDEX ix_rotations_client_latest ON rotations (deployment_id, oauth_client_id, rotated_at, id);
        DROP INDEX ix_rotations_client;
        CREATE INDEX ix_job_runs_job_latest ON job_runs (job, started_at, finished_at, run_id);
        DROP INDEX ix_job_runs_job;
        """;

    /// <summary>
    /// 5: what the next pieces of work record with a command: a fingerprint of its payload and the user it was
    /// validated for. Nullable columns without a default: a catalogue change only, no table rewrite.
    /// </summary>
    internal const string CommandPayloadColumns =
        """
        ALTER TABLE commands ADD COLUMN payload_fingerprint TEXT NULL;
        ALTER TABLE commands ADD COLUMN validated_user TEXT NULL;
        """;

    /// <summary>The version that adds <c>commands.intent</c> and the signing-key tables.</summary>
    internal const int SigningKeysVersion = 7;

    /// <summary>
    /// 7 on SQLite: what the signing-key commands and the sweep's signing-key policy record. <c>commands.intent</c>:
    /// what a command recorded before a call that is not idempotent (nullable, no default: a catalogue change only).
    /// <c>signing_key_changes</c>: the worker's successful rotations and compromises of app signing keys, read per app
    /// newest first (the index gives that order). <c>signing_key_sightings</c>: the active key the sweep last saw per
    /// app. <c>signing_key_due_warnings</c>: each app's latest signing-key warning day (ISO date text, which sorts
    /// chronologically). New tables only: nothing existing is rewritten.
    /// </summary>
    internal const string SqliteSigningKeys =
        """
        ALTER TABLE commands ADD COLUMN intent TEXT NULL;
        CREATE TABLE signing_key_changes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            command_id TEXT NOT NULL,
            deployment_id TEXT NOT NULL,
            app_slug TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('rotate', 'compromise')),
            kid TEXT NOT NULL,
            previous_kid TEXT NULL,
            active_kid TEXT NULL,
            changed_at TEXT NOT NULL,
            "trigger" TEXT NOT NULL,
            requested_by TEXT NULL,
            reason TEXT NULL
        );
        CREATE UNIQUE INDEX ux_signing_key_changes_command ON signing_key_changes (command_id);
        CREATE INDEX ix_signing_key_changes_app_latest ON signing_key_changes (deployment_id, app_slug, changed_at, id);
        CREATE TABLE signing_key_sightings (
            deployment_id TEXT NOT NULL,
            app_slug TEXT NOT NULL,
            kid TEXT NOT NULL,
            first_seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            created_after TEXT NULL,
            PRIMARY KEY (deployment_id, app_slug)
        );
        CREATE TABLE signing_key_due_warnings (
            deployment_id TEXT NOT NULL,
            app_slug TEXT NOT NULL,
            warned_on TEXT NOT NULL,
            warned_at TEXT NOT NULL,
            PRIMARY KEY (deployment_id, app_slug)
        );
        """;

    /// <summary>7 on PostgreSQL: <see cref="SqliteSigningKeys"/> with PostgreSQL's types (uuid, timestamptz, date, identity).</summary>
    internal const string PostgresSigningKeys =
        """
        ALTER TABLE commands ADD COLUMN intent text NULL;
        CREATE TABLE signing_key_changes (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            command_id uuid NOT NULL,
            deployment_id text NOT NULL,
            app_slug text NOT NULL,
            kind text NOT NULL CHECK (kind IN ('rotate', 'compromise')),
            kid text NOT NULL,
            previous_kid text NULL,
            active_kid text NULL,
            changed_at timestamptz NOT NULL,
            "trigger" text NOT NULL,
            requested_by text NULL,
            reason text NULL
        );
        CREATE UNIQUE INDEX ux_signing_key_changes_command ON signing_key_changes (command_id);
        CREATE INDEX ix_signing_key_changes_app_latest ON signing_key_changes (deployment_id, app_slug, changed_at, id);
        CREATE TABLE signing_key_sightings (
            deployment_id text NOT NULL,
            app_slug text NOT NULL,
            kid text NOT NULL,
            first_seen_at timestamptz NOT NULL,
            last_seen_at timestamptz NOT NULL,
            created_after timestamptz NULL,
            PRIMARY KEY (deployment_id, app_slug)
        );
        CREATE TABLE signing_key_due_warnings (
            deployment_id text NOT NULL,
            app_slug text NOT NULL,
            warned_on date NOT NULL,
            warned_at timestamptz NOT NULL,
            PRIMARY KEY (deployment_id, app_slug)
        );
        """;

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
