using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Wacht.Worker.Ledger;

/// <summary>
/// The ledger in a PostgreSQL database shared by several worker instances. Each method is one short transaction;
/// state changes lock the command's row (<c>SELECT … FOR UPDATE</c>). The schema is created under a transaction-level
/// advisory lock so instances starting together do not race.
/// </summary>
public sealed class PostgresCommandLedger : ICommandLedger, IJobLedger
{
    /// <summary>
    /// The schema, one entry per version. Append migration 2 (etc.) at the end; never edit an applied migration.
    /// </summary>
    internal static readonly IReadOnlyList<string> Migrations =
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
    ];

    private readonly NpgsqlDataSource _dataSource;
    private readonly SecretProtector _protector;
    private readonly TimeProvider _timeProvider;
    private readonly int _commandTimeoutSeconds;

    public PostgresCommandLedger(NpgsqlDataSource dataSource, SecretProtector protector, TimeProvider timeProvider, TimeSpan commandTimeout)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(protector);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataSource = dataSource;
        _protector = protector;
        _timeProvider = timeProvider;
        _commandTimeoutSeconds = (int)Math.Clamp(Math.Ceiling(commandTimeout.TotalSeconds), 1, int.MaxValue);
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => InitializeAsync(Migrations.Count, cancellationToken);

    /// <summary>Creates or migrates the schema up to <paramref name="targetVersion"/> only (tests of migrations).</summary>
    internal async Task InitializeAsync(int targetVersion, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(targetVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetVersion, Migrations.Count);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = Command(connection, transaction, "SELECT pg_advisory_xact_lock(@key);"))
        {
            // Released at commit or rollback: instances starting together migrate one after the other.
            lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey.For("schema-migration"));
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var create = Command(connection, transaction,
            "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL);"))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        int current;
        await using (var read = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version;"))
        {
            current = (int)(await read.ExecuteScalarAsync(cancellationToken))!;
        }

        LedgerSchema.EnsureKnownVersion(current, Migrations.Count, database: null);

        for (var version = current + 1; version <= targetVersion; version++)
        {
            await using (var migrate = Command(connection, transaction, Migrations[version - 1]))
            {
                await migrate.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var record = Command(connection, transaction, "INSERT INTO schema_version (version, applied_at) VALUES (@version, @at);");
            record.Parameters.AddWithValue("version", version);
            record.Parameters.AddWithValue("at", Now());
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<CommandRecord> BeginAsync(CommandStart start, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValid(start);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = Command(connection, transaction,
            $"""
            INSERT INTO commands ({LedgerSchema.InsertCommandColumns})
            VALUES (@id, @kind, @deployment, @app, @target, 'received', @trigger, @requestedBy, @reason, 0, @now, @now)
            ON CONFLICT (command_id) DO NOTHING;
            """))
        {
            // A concurrent insert of the same id makes this wait for the other transaction, then do nothing; the
            // SELECT below (a new snapshot under READ COMMITTED) then sees the winner's row.
            insert.Parameters.AddWithValue("id", start.CommandId);
            insert.Parameters.AddWithValue("kind", start.Kind);
            insert.Parameters.AddWithValue("deployment", start.DeploymentId);
            insert.Parameters.AddWithValue("app", start.AppSlug);
            AddText(insert, "target", start.TargetId);
            insert.Parameters.AddWithValue("trigger", start.Trigger);
            AddText(insert, "requestedBy", start.RequestedBy);
            AddText(insert, "reason", start.Reason);
            insert.Parameters.AddWithValue("now", Now());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var record = await FindAsync(connection, transaction, start.CommandId, cancellationToken)
            ?? throw new InvalidOperationException($"Command {start.CommandId} vanished right after it was recorded.");
        await transaction.CommitAsync(cancellationToken);
        return record;
    }

    public async Task<CommandRecord?> FindAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await FindAsync(connection, transaction: null, commandId, cancellationToken);
    }

    public async Task MarkRotatingAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var state = await LockStateAsync(connection, transaction, commandId, cancellationToken);
        LedgerStates.EnsureCanMarkRotating(commandId, state?.State);
        await using (var update = Command(connection, transaction,
            "UPDATE commands SET state = 'rotating', rotate_calls = rotate_calls + 1, rotating_at = @now, updated_at = @now WHERE command_id = @id;"))
        {
            update.Parameters.AddWithValue("id", commandId);
            update.Parameters.AddWithValue("now", Now());
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<DateTimeOffset?> FindLatestRotateIntentAsync(
        string deploymentId, string oauthClientId, Guid excludingCommandId, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidClient(deploymentId, oauthClientId);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null,
            """
            SELECT MAX(rotating_at) FROM commands
            WHERE kind = @kind AND deployment_id = @deployment AND target_id = @oauthClient AND command_id <> @excluding;
            """);
        command.Parameters.AddWithValue("kind", LedgerSchema.RotateSecretKind);
        command.Parameters.AddWithValue("deployment", deploymentId);
        command.Parameters.AddWithValue("oauthClient", oauthClientId);
        command.Parameters.AddWithValue("excluding", excludingCommandId);
        return await LedgerRows.ReadNullableTimestampAsync(command, ReadTimestamp, cancellationToken);
    }

    public async Task StorePendingSecretAsync(Guid commandId, PendingSecret secret, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValid(secret);
        var blob = _protector.Protect(secret.Secret.Reveal(), commandId);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var state = await LockStateAsync(connection, transaction, commandId, cancellationToken);
        LedgerStates.EnsureCanStorePendingSecret(commandId, state?.State);
        await using (var update = Command(connection, transaction,
            """
            UPDATE commands SET state = 'pendingdelivery', pending_client_id = @clientId, pending_secret = @secret,
                                pending_issued_at = @issuedAt, updated_at = @now
            WHERE command_id = @id;
            """))
        {
            update.Parameters.AddWithValue("id", commandId);
            update.Parameters.AddWithValue("clientId", secret.ClientId);
            update.Parameters.AddWithValue("secret", NpgsqlDbType.Bytea, blob);
            update.Parameters.AddWithValue("issuedAt", secret.IssuedAt.ToUniversalTime());
            update.Parameters.AddWithValue("now", Now());
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<PendingSecret?> ReadPendingSecretAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null,
            $"SELECT {LedgerSchema.PendingSecretColumns} FROM commands WHERE command_id = @id AND pending_secret IS NOT NULL;");
        command.Parameters.AddWithValue("id", commandId);
        return await LedgerRows.ReadPendingSecretAsync(command, ReadTimestamp, _protector, commandId, cancellationToken);
    }

    public async Task CompleteRotationAsync(Guid commandId, RotationRecord rotation, RecordedOutcome outcome, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureRotationMatches(commandId, rotation);
        LedgerStates.EnsureSuccess(outcome);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var state = await LockStateAsync(connection, transaction, commandId, cancellationToken);
        LedgerStates.EnsureNotTerminal(commandId, state?.State, "CompleteRotationAsync");
        await using (var insert = Command(connection, transaction,
            $"""
            INSERT INTO rotations ({LedgerSchema.RotationColumns})
            VALUES (@id, @deployment, @app, @oauthClient, @clientId, @rotatedAt, @trigger, @requestedBy, @reason,
                    @destination, @destinationKey, @fingerprint);
            """))
        {
            insert.Parameters.AddWithValue("id", commandId);
            insert.Parameters.AddWithValue("deployment", rotation.DeploymentId);
            insert.Parameters.AddWithValue("app", rotation.AppSlug);
            insert.Parameters.AddWithValue("oauthClient", rotation.OAuthClientId);
            insert.Parameters.AddWithValue("clientId", rotation.ClientId);
            insert.Parameters.AddWithValue("rotatedAt", rotation.RotatedAt.ToUniversalTime());
            insert.Parameters.AddWithValue("trigger", rotation.Trigger);
            AddText(insert, "requestedBy", rotation.RequestedBy);
            AddText(insert, "reason", rotation.Reason);
            insert.Parameters.AddWithValue("destination", rotation.Destination);
            insert.Parameters.AddWithValue("destinationKey", rotation.DestinationKey);
            insert.Parameters.AddWithValue("fingerprint", rotation.SecretFingerprint);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var update = Command(connection, transaction,
            $"""
            UPDATE commands SET {LedgerSchema.ClearPendingSecret},
                                state = 'succeeded', outcome_succeeded = TRUE, outcome_type = @type, outcome_json = @json,
                                outcome_retryable = @retryable, updated_at = @now
            WHERE command_id = @id;
            """))
        {
            AddOutcome(update, commandId, outcome);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task CompleteAsync(Guid commandId, RecordedOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var state = await LockStateAsync(connection, transaction, commandId, cancellationToken);
        LedgerStates.EnsureNotTerminal(commandId, state?.State, "CompleteAsync");
        await using (var update = Command(connection, transaction,
            """
            UPDATE commands SET state = @state, outcome_succeeded = @succeeded, outcome_type = @type, outcome_json = @json,
                                outcome_retryable = @retryable, updated_at = @now
            WHERE command_id = @id;
            """))
        {
            AddOutcome(update, commandId, outcome);
            update.Parameters.AddWithValue("state", LedgerStates.TerminalText(outcome));
            update.Parameters.AddWithValue("succeeded", outcome.Succeeded);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task AbandonPendingSecretAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var state = await LockStateAsync(connection, transaction, commandId, cancellationToken);
        LedgerStates.EnsureCanAbandonPendingSecret(commandId, state?.State);
        await using (var update = Command(connection, transaction,
            $"UPDATE commands SET {LedgerSchema.AbandonPendingSecret}, updated_at = @now WHERE command_id = @id;"))
        {
            update.Parameters.AddWithValue("id", commandId);
            update.Parameters.AddWithValue("now", Now());
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task DiscardPendingSecretAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var update = Command(connection, null,
            $"""
            UPDATE commands SET {LedgerSchema.ClearPendingSecret}, updated_at = @now
            WHERE command_id = @id AND state IN ('succeeded', 'failed') AND pending_secret IS NOT NULL;
            """);
        update.Parameters.AddWithValue("id", commandId);
        update.Parameters.AddWithValue("now", Now());
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<CommandRecord> ReopenAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var state = await LockStateAsync(connection, transaction, commandId, cancellationToken);
        LedgerStates.EnsureCanReopen(commandId, state?.State, state?.Retryable);
        await using (var update = Command(connection, transaction,
            $"""
            UPDATE commands SET {LedgerSchema.Reopen}, updated_at = @now
            WHERE command_id = @id;
            """))
        {
            update.Parameters.AddWithValue("id", commandId);
            update.Parameters.AddWithValue("now", Now());
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        var record = (await FindAsync(connection, transaction, commandId, cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return record;
    }

    public async Task<RotationRecord?> FindLastRotationAsync(string deploymentId, string oauthClientId, CancellationToken cancellationToken)
    {
        var rotations = await QueryRotationsAsync(deploymentId, oauthClientId, limit: 1, cancellationToken);
        return rotations.Count == 0 ? null : rotations[0];
    }

    public async Task<IReadOnlyList<RotationRecord>> ListRotationsAsync(string deploymentId, string oauthClientId, CancellationToken cancellationToken) =>
        await QueryRotationsAsync(deploymentId, oauthClientId, limit: null, cancellationToken);

    private async Task<List<RotationRecord>> QueryRotationsAsync(string deploymentId, string oauthClientId, int? limit, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidClient(deploymentId, oauthClientId);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null,
            $"""
            SELECT {LedgerSchema.RotationColumns} FROM rotations
            WHERE deployment_id = @deployment AND oauth_client_id = @oauthClient
            {LedgerSchema.NewestRotationFirst}
            LIMIT @limit;
            """);
        command.Parameters.AddWithValue("deployment", deploymentId);
        command.Parameters.AddWithValue("oauthClient", oauthClientId);
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = (object?)limit ?? DBNull.Value });
        return await LedgerRows.ReadRotationsAsync(command, ReadTimestamp, cancellationToken);
    }

    public async Task RecordJobRunAsync(JobRunRecord run, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValid(run);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var insert = Command(connection, null,
            $"""
            INSERT INTO job_runs ({LedgerSchema.JobRunColumns})
            VALUES (@id, @job, @trigger, @dryRun, @scheduledFireAt, @startedAt, @finishedAt, @instance, @succeeded, @summary)
            {LedgerSchema.JobRunConflict};
            """);
        insert.Parameters.AddWithValue("id", run.RunId);
        insert.Parameters.AddWithValue("job", run.Job);
        insert.Parameters.AddWithValue("trigger", run.Trigger);
        insert.Parameters.AddWithValue("dryRun", run.DryRun);
        insert.Parameters.Add(new NpgsqlParameter("scheduledFireAt", NpgsqlDbType.TimestampTz)
        {
            Value = run.ScheduledFireAt is { } fireAt ? fireAt.ToUniversalTime() : DBNull.Value,
        });
        insert.Parameters.AddWithValue("startedAt", run.StartedAt.ToUniversalTime());
        insert.Parameters.AddWithValue("finishedAt", run.FinishedAt.ToUniversalTime());
        insert.Parameters.AddWithValue("instance", run.Instance);
        insert.Parameters.AddWithValue("succeeded", run.Succeeded);
        insert.Parameters.AddWithValue("summary", run.SummaryJson);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<JobRunRecord>> ListJobRunsAsync(string job, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null,
            $"""
            SELECT {LedgerSchema.JobRunColumns} FROM job_runs
            WHERE job = @job
            {LedgerSchema.NewestJobRunFirst}
            LIMIT @limit;
            """);
        command.Parameters.AddWithValue("job", job);
        command.Parameters.AddWithValue("limit", limit);
        return await LedgerRows.ReadJobRunsAsync(command, ReadTimestamp, cancellationToken);
    }

    public async Task<bool> TryRecordDueWarningAsync(string deploymentId, string oauthClientId, DateOnly day, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidClient(deploymentId, oauthClientId);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // One statement (its own transaction): of instances warning the same client at once, exactly one affects a row.
        await using var upsert = Command(connection, null,
            $"""
            INSERT INTO rotation_due_warnings ({LedgerSchema.DueWarningColumns})
            VALUES (@deployment, @oauthClient, @day, @now)
            {LedgerSchema.DueWarningConflict};
            """);
        upsert.Parameters.AddWithValue("deployment", deploymentId);
        upsert.Parameters.AddWithValue("oauthClient", oauthClientId);
        upsert.Parameters.AddWithValue("day", NpgsqlDbType.Date, day);
        upsert.Parameters.AddWithValue("now", Now());
        return await upsert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<PublishedFinding>> ListPublishedFindingsAsync(
        string deploymentId, string oauthClientId, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidClient(deploymentId, oauthClientId);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null,
            $"""
            SELECT {LedgerSchema.PublishedFindingColumns} FROM audit_findings
            WHERE deployment_id = @deployment AND oauth_client_id = @oauthClient
            {LedgerSchema.PublishedFindingOrder};
            """);
        command.Parameters.AddWithValue("deployment", deploymentId);
        command.Parameters.AddWithValue("oauthClient", oauthClientId);
        return await LedgerRows.ReadPublishedFindingsAsync(command, ReadTimestamp, cancellationToken);
    }

    public async Task RecordPublishedFindingsAsync(IReadOnlyList<PublishedFinding> findings, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValid(findings);
        if (findings.Count == 0)
        {
            return;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // One upsert per finding, all sent in one batch (one round trip) and committed together. Separate statements,
        // not one multi-row INSERT: a grant+kind listed twice is then simply updated twice (last wins) instead of failing.
        await using (var batch = new NpgsqlBatch(connection, transaction) { Timeout = _commandTimeoutSeconds })
        {
            var sql =
                $"""
                INSERT INTO audit_findings ({LedgerSchema.InsertPublishedFindingColumns})
                VALUES ($1, $2, $3, $4, $5, $6, $6)
                {LedgerSchema.PublishedFindingConflict};
                """;
            foreach (var finding in findings)
            {
                var upsert = new NpgsqlBatchCommand(sql);
                upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = finding.DeploymentId });
                upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = finding.OAuthClientId });
                upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = finding.GrantId });
                upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = finding.Kind });
                upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = finding.DetailHash });
                upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = finding.LastPublishedAt.ToUniversalTime() });
                batch.BatchCommands.Add(upsert);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task ForgetPublishedFindingsAsync(
        string deploymentId, IReadOnlyList<(string GrantId, string Kind)> resolved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        if (resolved.Count == 0)
        {
            return;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var batch = new NpgsqlBatch(connection, transaction) { Timeout = _commandTimeoutSeconds })
        {
            foreach (var (grantId, kind) in resolved)
            {
                var delete = new NpgsqlBatchCommand("DELETE FROM audit_findings WHERE deployment_id = $1 AND grant_id = $2 AND kind = $3;");
                delete.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = deploymentId });
                delete.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = grantId });
                delete.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = kind });
                batch.BatchCommands.Add(delete);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql) =>
        new(sql, connection, transaction) { CommandTimeout = _commandTimeoutSeconds };

    private async Task<CommandRecord?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid commandId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT {LedgerSchema.CommandColumns} FROM commands WHERE command_id = @id;");
        command.Parameters.AddWithValue("id", commandId);
        return await LedgerRows.ReadCommandAsync(command, ReadTimestamp, cancellationToken);
    }

    private async Task<(CommandState State, bool? Retryable)?> LockStateAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid commandId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT {LedgerSchema.StateColumns} FROM commands WHERE command_id = @id FOR UPDATE;");
        command.Parameters.AddWithValue("id", commandId);
        return await LedgerRows.ReadStateAsync(command, cancellationToken);
    }

    private void AddOutcome(NpgsqlCommand command, Guid commandId, RecordedOutcome outcome)
    {
        command.Parameters.AddWithValue("id", commandId);
        command.Parameters.AddWithValue("type", outcome.MessageType);
        command.Parameters.AddWithValue("json", outcome.Json);
        command.Parameters.AddWithValue("retryable", outcome.Retryable);
        command.Parameters.AddWithValue("now", Now());
    }

    private static void AddText(NpgsqlCommand command, string name, string? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });

    private static DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    private DateTimeOffset Now() => _timeProvider.GetUtcNow().ToUniversalTime();
}
