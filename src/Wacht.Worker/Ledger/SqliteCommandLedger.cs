using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Wacht.Worker.Ledger;

/// <summary>
/// The ledger in a local SQLite file (one worker instance). WAL journal with <c>synchronous=FULL</c>: a method returns
/// only after its transaction is on disk. Each method is one short <c>BEGIN IMMEDIATE</c> transaction on a pooled
/// connection. Timestamps are ISO-8601 UTC text (round-trip format), which also sorts chronologically.
/// </summary>
public sealed class SqliteCommandLedger : ICommandLedger, IJobLedger
{
    /// <summary>
    /// The schema, one entry per version. Append migration 2 (etc.) at the end; never edit an applied migration.
    /// </summary>
    internal static readonly IReadOnlyList<string> Migrations =
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
    ];

    private readonly string _connectionString;
    private readonly SecretProtector _protector;
    private readonly TimeProvider _timeProvider;
    private readonly int _busyTimeoutMs;

    /// <param name="databasePath">The database file; relative paths are resolved against the current directory.</param>
    public SqliteCommandLedger(string databasePath, SecretProtector protector, TimeProvider timeProvider, TimeSpan commandTimeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentNullException.ThrowIfNull(protector);
        ArgumentNullException.ThrowIfNull(timeProvider);
        DatabasePath = Path.GetFullPath(databasePath);
        _protector = protector;
        _timeProvider = timeProvider;
        _busyTimeoutMs = (int)Math.Clamp(commandTimeout.TotalMilliseconds, 1, int.MaxValue);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Clamp(Math.Ceiling(commandTimeout.TotalSeconds), 1, int.MaxValue),
        }.ToString();
    }

    /// <summary>The absolute path of the database file.</summary>
    public string DatabasePath { get; }

    public Task InitializeAsync(CancellationToken cancellationToken) => InitializeAsync(Migrations.Count, cancellationToken);

    /// <summary>Creates or migrates the schema up to <paramref name="targetVersion"/> only (tests of migrations).</summary>
    internal async Task InitializeAsync(int targetVersion, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(targetVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetVersion, Migrations.Count);
        var directory = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using (var wal = connection.CreateCommand())
        {
            // The journal mode is stored in the file; it cannot change inside a transaction.
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var create = Command(connection, transaction,
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL);"))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        long current;
        await using (var read = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version;"))
        {
            current = (long)(await read.ExecuteScalarAsync(cancellationToken))!;
        }

        LedgerSchema.EnsureKnownVersion(current, Migrations.Count, DatabasePath);

        for (var version = (int)current + 1; version <= targetVersion; version++)
        {
            await using (var migrate = Command(connection, transaction, Migrations[version - 1]))
            {
                await migrate.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var record = Command(connection, transaction, "INSERT INTO schema_version (version, applied_at) VALUES ($version, $at);");
            record.Parameters.AddWithValue("$version", version);
            record.Parameters.AddWithValue("$at", Timestamp(_timeProvider.GetUtcNow()));
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        transaction.Commit();
    }

    public async Task<CommandRecord> BeginAsync(CommandStart start, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValid(start);
        var now = Timestamp(_timeProvider.GetUtcNow());
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var insert = Command(connection, transaction,
            $"""
            INSERT INTO commands ({LedgerSchema.InsertCommandColumns})
            VALUES ($id, $kind, $deployment, $app, $target, 'received', $trigger, $requestedBy, $reason, 0, $now, $now)
            ON CONFLICT (command_id) DO NOTHING;
            """))
        {
            insert.Parameters.AddWithValue("$id", Id(start.CommandId));
            insert.Parameters.AddWithValue("$kind", start.Kind);
            insert.Parameters.AddWithValue("$deployment", start.DeploymentId);
            insert.Parameters.AddWithValue("$app", start.AppSlug);
            insert.Parameters.AddWithValue("$target", (object?)start.TargetId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$trigger", start.Trigger);
            insert.Parameters.AddWithValue("$requestedBy", (object?)start.RequestedBy ?? DBNull.Value);
            insert.Parameters.AddWithValue("$reason", (object?)start.Reason ?? DBNull.Value);
            insert.Parameters.AddWithValue("$now", now);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var record = await FindAsync(connection, transaction, start.CommandId, cancellationToken)
            ?? throw new InvalidOperationException($"Command {start.CommandId} vanished right after it was recorded.");
        transaction.Commit();
        return record;
    }

    public async Task<CommandRecord?> FindAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await FindAsync(connection, transaction: null, commandId, cancellationToken);
    }

    public async Task MarkRotatingAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var state = await ReadStateAsync(connection, transaction, commandId, cancellationToken);
        LedgerStates.EnsureCanMarkRotating(commandId, state?.State);
        await using (var update = Command(connection, transaction,
            "UPDATE commands SET state = 'rotating', rotate_calls = rotate_calls + 1, rotating_at = $now, updated_at = $now WHERE command_id = $id;"))
        {
            update.Parameters.AddWithValue("$id", Id(commandId));
            update.Parameters.AddWithValue("$now", Timestamp(_timeProvider.GetUtcNow()));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        transaction.Commit();
    }

    public async Task<DateTimeOffset?> FindLatestRotateIntentAsync(
        string deploymentId, string oauthClientId, Guid excludingCommandId, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidClient(deploymentId, oauthClientId);
        await using var connection = await OpenAsync(cancellationToken);
        // The round-trip UTC text has a fixed width, so MAX over the text is the latest time.
        await using var command = Command(connection, null,
            """
            SELECT MAX(rotating_at) FROM commands
            WHERE kind = $kind AND deployment_id = $deployment AND target_id = $oauthClient AND command_id <> $excluding;
            """);
        command.Parameters.AddWithValue("$kind", LedgerSchema.RotateSecretKind);
        command.Parameters.AddWithValue("$deployment", deploymentId);
        command.Parameters.AddWithValue("$oauthClient", oauthClientId);
        command.Parameters.AddWithValue("$excluding", Id(excludingCommandId));
        return await LedgerRows.ReadNullableTimestampAsync(command, ReadTimestamp, cancellationToken);
    }

    public async Task StorePendingSecretAsync(Guid commandId, PendingSecret secret, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValid(secret);
        var blob = _protector.Protect(secret.Secret.Reveal(), commandId);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var state = await ReadStateAsync(connection, transaction, commandId, cancellationToken);
        LedgerStates.EnsureCanStorePendingSecret(commandId, state?.State);
        await using (var update = Command(connection, transaction,
            """
            UPDATE commands SET state = 'pendingdelivery', pending_client_id = $clientId, pending_secret = $secret,
                                pending_issued_at = $issuedAt, updated_at = $now
            WHERE command_id = $id;
            """))
        {
            update.Parameters.AddWithValue("$id", Id(commandId));
            update.Parameters.AddWithValue("$clientId", secret.ClientId);
            update.Parameters.Add("$secret", SqliteType.Blob).Value = blob;
            update.Parameters.AddWithValue("$issuedAt", Timestamp(secret.IssuedAt));
            update.Parameters.AddWithValue("$now", Timestamp(_timeProvider.GetUtcNow()));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        transaction.Commit();
    }

    public async Task<PendingSecret?> ReadPendingSecretAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            $"SELECT {LedgerSchema.PendingSecretColumns} FROM commands WHERE command_id = $id AND pending_secret IS NOT NULL;");
        command.Parameters.AddWithValue("$id", Id(commandId));
        return await LedgerRows.ReadPendingSecretAsync(command, ReadTimestamp, _protector, commandId, cancellationToken);
    }

    public async Task CompleteRotationAsync(Guid commandId, RotationRecord rotation, RecordedOutcome outcome, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureRotationMatches(commandId, rotation);
        LedgerStates.EnsureSuccess(outcome);

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var state = await ReadStateAsync(connection, transaction, commandId, cancellationToken);
        LedgerStates.EnsureNotTerminal(commandId, state?.State, "CompleteRotationAsync");
        await using (var insert = Command(connection, transaction,
            $"""
            INSERT INTO rotations ({LedgerSchema.RotationColumns})
            VALUES ($id, $deployment, $app, $oauthClient, $clientId, $rotatedAt, $trigger, $requestedBy, $reason,
                    $destination, $destinationKey, $fingerprint);
            """))
        {
            insert.Parameters.AddWithValue("$id", Id(commandId));
            insert.Parameters.AddWithValue("$deployment", rotation.DeploymentId);
            insert.Parameters.AddWithValue("$app", rotation.AppSlug);
            insert.Parameters.AddWithValue("$oauthClient", rotation.OAuthClientId);
            insert.Parameters.AddWithValue("$clientId", rotation.ClientId);
            insert.Parameters.AddWithValue("$rotatedAt", Timestamp(rotation.RotatedAt));
            insert.Parameters.AddWithValue("$trigger", rotation.Trigger);
            insert.Parameters.AddWithValue("$requestedBy", (object?)rotation.RequestedBy ?? DBNull.Value);
            insert.Parameters.AddWithValue("$reason", (object?)rotation.Reason ?? DBNull.Value);
            insert.Parameters.AddWithValue("$destination", rotation.Destination);
            insert.Parameters.AddWithValue("$destinationKey", rotation.DestinationKey);
            insert.Parameters.AddWithValue("$fingerprint", rotation.SecretFingerprint);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var update = Command(connection, transaction,
            $"""
            UPDATE commands SET {LedgerSchema.ClearPendingSecret},
                                state = 'succeeded', outcome_succeeded = 1, outcome_type = $type, outcome_json = $json,
                                outcome_retryable = $retryable, updated_at = $now
            WHERE command_id = $id;
            """))
        {
            AddOutcome(update, commandId, outcome);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        transaction.Commit();
    }

    public async Task CompleteAsync(Guid commandId, RecordedOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var state = await ReadStateAsync(connection, transaction, commandId, cancellationToken);
        LedgerStates.EnsureNotTerminal(commandId, state?.State, "CompleteAsync");
        await using (var update = Command(connection, transaction,
            """
            UPDATE commands SET state = $state, outcome_succeeded = $succeeded, outcome_type = $type, outcome_json = $json,
                                outcome_retryable = $retryable, updated_at = $now
            WHERE command_id = $id;
            """))
        {
            AddOutcome(update, commandId, outcome);
            update.Parameters.AddWithValue("$state", LedgerStates.TerminalText(outcome));
            update.Parameters.AddWithValue("$succeeded", outcome.Succeeded);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        transaction.Commit();
    }

    public async Task AbandonPendingSecretAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var state = await ReadStateAsync(connection, transaction, commandId, cancellationToken);
        LedgerStates.EnsureCanAbandonPendingSecret(commandId, state?.State);
        await using (var update = Command(connection, transaction,
            $"UPDATE commands SET {LedgerSchema.AbandonPendingSecret}, updated_at = $now WHERE command_id = $id;"))
        {
            update.Parameters.AddWithValue("$id", Id(commandId));
            update.Parameters.AddWithValue("$now", Timestamp(_timeProvider.GetUtcNow()));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        transaction.Commit();
    }

    public async Task DiscardPendingSecretAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var update = Command(connection, null,
            $"""
            UPDATE commands SET {LedgerSchema.ClearPendingSecret}, updated_at = $now
            WHERE command_id = $id AND state IN ('succeeded', 'failed') AND pending_secret IS NOT NULL;
            """);
        update.Parameters.AddWithValue("$id", Id(commandId));
        update.Parameters.AddWithValue("$now", Timestamp(_timeProvider.GetUtcNow()));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<CommandRecord> ReopenAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var state = await ReadStateAsync(connection, transaction, commandId, cancellationToken);
        LedgerStates.EnsureCanReopen(commandId, state?.State, state?.Retryable);
        await using (var update = Command(connection, transaction,
            $"""
            UPDATE commands SET {LedgerSchema.Reopen}, updated_at = $now
            WHERE command_id = $id;
            """))
        {
            update.Parameters.AddWithValue("$id", Id(commandId));
            update.Parameters.AddWithValue("$now", Timestamp(_timeProvider.GetUtcNow()));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        var record = (await FindAsync(connection, transaction, commandId, cancellationToken))!;
        transaction.Commit();
        return record;
    }

    public async Task<RotationRecord?> FindLastRotationAsync(string deploymentId, string oauthClientId, CancellationToken cancellationToken)
    {
        var rotations = await QueryRotationsAsync(deploymentId, oauthClientId, limit: 1, cancellationToken);
        return rotations.Count == 0 ? null : rotations[0];
    }

    public async Task<IReadOnlyList<RotationRecord>> ListRotationsAsync(string deploymentId, string oauthClientId, CancellationToken cancellationToken) =>
        await QueryRotationsAsync(deploymentId, oauthClientId, limit: -1, cancellationToken);

    private async Task<List<RotationRecord>> QueryRotationsAsync(string deploymentId, string oauthClientId, int limit, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidClient(deploymentId, oauthClientId);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            $"""
            SELECT {LedgerSchema.RotationColumns} FROM rotations
            WHERE deployment_id = $deployment AND oauth_client_id = $oauthClient
            {LedgerSchema.NewestRotationFirst}
            LIMIT $limit;
            """);
        command.Parameters.AddWithValue("$deployment", deploymentId);
        command.Parameters.AddWithValue("$oauthClient", oauthClientId);
        command.Parameters.AddWithValue("$limit", limit);
        return await LedgerRows.ReadRotationsAsync(command, ReadTimestamp, cancellationToken);
    }

    public async Task RecordJobRunAsync(JobRunRecord run, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValid(run);
        await using var connection = await OpenAsync(cancellationToken);
        await using var insert = Command(connection, null,
            $"""
            INSERT INTO job_runs ({LedgerSchema.JobRunColumns})
            VALUES ($id, $job, $trigger, $dryRun, $scheduledFireAt, $startedAt, $finishedAt, $instance, $succeeded, $summary)
            {LedgerSchema.JobRunConflict};
            """);
        insert.Parameters.AddWithValue("$id", Id(run.RunId));
        insert.Parameters.AddWithValue("$job", run.Job);
        insert.Parameters.AddWithValue("$trigger", run.Trigger);
        insert.Parameters.AddWithValue("$dryRun", run.DryRun);
        insert.Parameters.AddWithValue("$scheduledFireAt", run.ScheduledFireAt is { } fireAt ? Timestamp(fireAt) : DBNull.Value);
        insert.Parameters.AddWithValue("$startedAt", Timestamp(run.StartedAt));
        insert.Parameters.AddWithValue("$finishedAt", Timestamp(run.FinishedAt));
        insert.Parameters.AddWithValue("$instance", run.Instance);
        insert.Parameters.AddWithValue("$succeeded", run.Succeeded);
        insert.Parameters.AddWithValue("$summary", run.SummaryJson);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<JobRunRecord>> ListJobRunsAsync(string job, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        // SQLite reads a negative LIMIT as "no limit".
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            $"""
            SELECT {LedgerSchema.JobRunColumns} FROM job_runs
            WHERE job = $job
            {LedgerSchema.NewestJobRunFirst}
            LIMIT $limit;
            """);
        command.Parameters.AddWithValue("$job", job);
        command.Parameters.AddWithValue("$limit", limit);
        return await LedgerRows.ReadJobRunsAsync(command, ReadTimestamp, cancellationToken);
    }

    public async Task<bool> TryRecordDueWarningAsync(string deploymentId, string oauthClientId, DateOnly day, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidClient(deploymentId, oauthClientId);
        await using var connection = await OpenAsync(cancellationToken);
        await using var upsert = Command(connection, null,
            $"""
            INSERT INTO rotation_due_warnings ({LedgerSchema.DueWarningColumns})
            VALUES ($deployment, $oauthClient, $day, $now)
            {LedgerSchema.DueWarningConflict};
            """);
        upsert.Parameters.AddWithValue("$deployment", deploymentId);
        upsert.Parameters.AddWithValue("$oauthClient", oauthClientId);
        upsert.Parameters.AddWithValue("$day", Day(day));
        upsert.Parameters.AddWithValue("$now", Timestamp(_timeProvider.GetUtcNow()));
        return await upsert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<PublishedFinding>> ListPublishedFindingsAsync(
        string deploymentId, string oauthClientId, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidClient(deploymentId, oauthClientId);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            $"""
            SELECT {LedgerSchema.PublishedFindingColumns} FROM audit_findings
            WHERE deployment_id = $deployment AND oauth_client_id = $oauthClient
            {LedgerSchema.PublishedFindingOrder};
            """);
        command.Parameters.AddWithValue("$deployment", deploymentId);
        command.Parameters.AddWithValue("$oauthClient", oauthClientId);
        return await LedgerRows.ReadPublishedFindingsAsync(command, ReadTimestamp, cancellationToken);
    }

    public async Task RecordPublishedFindingsAsync(IReadOnlyList<PublishedFinding> findings, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValid(findings);
        if (findings.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        // One prepared statement, re-run per finding inside one transaction: one commit (one fsync) for the batch.
        await using (var upsert = Command(connection, transaction,
            $"""
            INSERT INTO audit_findings ({LedgerSchema.InsertPublishedFindingColumns})
            VALUES ($deployment, $oauthClient, $grant, $kind, $hash, $publishedAt, $publishedAt)
            {LedgerSchema.PublishedFindingConflict};
            """))
        {
            var deployment = upsert.Parameters.Add("$deployment", SqliteType.Text);
            var oauthClient = upsert.Parameters.Add("$oauthClient", SqliteType.Text);
            var grant = upsert.Parameters.Add("$grant", SqliteType.Text);
            var kind = upsert.Parameters.Add("$kind", SqliteType.Text);
            var hash = upsert.Parameters.Add("$hash", SqliteType.Text);
            var publishedAt = upsert.Parameters.Add("$publishedAt", SqliteType.Text);
            foreach (var finding in findings)
            {
                cancellationToken.ThrowIfCancellationRequested();
                deployment.Value = finding.DeploymentId;
                oauthClient.Value = finding.OAuthClientId;
                grant.Value = finding.GrantId;
                kind.Value = finding.Kind;
                hash.Value = finding.DetailHash;
                publishedAt.Value = Timestamp(finding.LastPublishedAt);
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        transaction.Commit();
    }

    public async Task ForgetPublishedFindingsAsync(
        string deploymentId, IReadOnlyList<(string GrantId, string Kind)> resolved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        if (resolved.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var delete = Command(connection, transaction,
            "DELETE FROM audit_findings WHERE deployment_id = $deployment AND grant_id = $grant AND kind = $kind;"))
        {
            delete.Parameters.AddWithValue("$deployment", deploymentId);
            var grant = delete.Parameters.Add("$grant", SqliteType.Text);
            var kind = delete.Parameters.Add("$kind", SqliteType.Text);
            foreach (var (grantId, findingKind) in resolved)
            {
                cancellationToken.ThrowIfCancellationRequested();
                grant.Value = grantId;
                kind.Value = findingKind;
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        transaction.Commit();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragmas = connection.CreateCommand();
            // Per connection: fsync at every commit, and wait (not fail) while another connection writes.
            pragmas.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=" + _busyTimeoutMs.ToString(CultureInfo.InvariantCulture) + ";";
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static async Task<CommandRecord?> FindAsync(SqliteConnection connection, SqliteTransaction? transaction, Guid commandId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT {LedgerSchema.CommandColumns} FROM commands WHERE command_id = $id;");
        command.Parameters.AddWithValue("$id", Id(commandId));
        return await LedgerRows.ReadCommandAsync(command, ReadTimestamp, cancellationToken);
    }

    private static async Task<(CommandState State, bool? Retryable)?> ReadStateAsync(
        SqliteConnection connection, SqliteTransaction transaction, Guid commandId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT {LedgerSchema.StateColumns} FROM commands WHERE command_id = $id;");
        command.Parameters.AddWithValue("$id", Id(commandId));
        return await LedgerRows.ReadStateAsync(command, cancellationToken);
    }

    private void AddOutcome(SqliteCommand command, Guid commandId, RecordedOutcome outcome)
    {
        command.Parameters.AddWithValue("$id", Id(commandId));
        command.Parameters.AddWithValue("$type", outcome.MessageType);
        command.Parameters.AddWithValue("$json", outcome.Json);
        command.Parameters.AddWithValue("$retryable", outcome.Retryable);
        command.Parameters.AddWithValue("$now", Timestamp(_timeProvider.GetUtcNow()));
    }

    private static string Id(Guid commandId) => commandId.ToString("D");

    /// <summary>Days are stored as ISO-8601 date text (<c>yyyy-MM-dd</c>), which sorts chronologically.</summary>
    internal static string Day(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>Timestamps are stored as ISO-8601 UTC text (see <see cref="Timestamp"/>).</summary>
    private static DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal) => ParseTimestamp(reader.GetString(ordinal));

    internal static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
