namespace Wacht.Worker.Ledger.Sql;

/// <summary>
/// The schema versions both databases share (same text: the DDL below means the same on SQLite and PostgreSQL), and
/// the check that a database is not newer than this worker.
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
