using System.Data.Common;
using Dapper;
using Npgsql;

namespace Wacht.Worker.Ledger.Sql;

/// <summary>
/// The command and job ledger, one implementation for SQLite (one worker instance) and PostgreSQL (several instances
/// sharing work): the statements (<see cref="LedgerSql"/>, through Dapper) and the state rules
/// (<see cref="LedgerStates"/>) are shared; what differs between the databases is in the <see cref="LedgerDialect"/>.
/// <para>
/// Every write is durable when its method returns (committed). A state change is one conditional <c>UPDATE</c>:
/// atomic without a separate read and lock, one round trip. Writes of many rows (published findings) go in one
/// transaction with few round trips.
/// </para>
/// </summary>
internal sealed class SqlLedger : ICommandLedger, IJobLedger
{
    /// <summary>
    /// How often a state change is tried when it changed nothing yet the state then read allows it: only a concurrent
    /// change between the two can do that (other instances on PostgreSQL; the client lock normally prevents it).
    /// </summary>
    private const int StateChangeAttempts = 3;

    /// <summary>
    /// The kind of a rotation command (as <see cref="Rotation.RotateSecretHandler.CommandKind"/>), whose rotate intents
    /// <see cref="ICommandLedger.FindRotateInFlightUntilAsync"/> reports.
    /// </summary>
    internal const string RotateSecretKind = "rotate-secret";

    private readonly LedgerDialect _dialect;
    private readonly SecretProtector _protector;
    private readonly TimeProvider _timeProvider;
    private LedgerSql _sql;

    internal SqlLedger(LedgerDialect dialect, SecretProtector protector, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(protector);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dialect = dialect;
        _protector = protector;
        _timeProvider = timeProvider;
        _sql = new LedgerSql(LatestSchemaVersion);
    }

    /// <summary>The ledger in a SQLite file (created with its directory at initialisation).</summary>
    internal static SqlLedger ForSqlite(string databasePath, SecretProtector protector, TimeProvider timeProvider, TimeSpan commandTimeout) =>
        new(new SqliteDialect(databasePath, commandTimeout), protector, timeProvider);

    /// <summary>The ledger in a PostgreSQL database.</summary>
    internal static SqlLedger ForPostgres(NpgsqlDataSource dataSource, SecretProtector protector, TimeProvider timeProvider, TimeSpan commandTimeout) =>
        new(new PostgresDialect(dataSource, commandTimeout), protector, timeProvider);

    internal LedgerProvider Provider => _dialect.Provider;

    internal LedgerDialect Dialect => _dialect;

    /// <summary>Where the ledger lives, without credentials.</summary>
    internal string Location => _dialect.Location;

    /// <summary>The schema version this worker migrates to.</summary>
    internal int LatestSchemaVersion => _dialect.Migrations.Count;

    /// <summary>The statements this ledger runs (for its schema version).</summary>
    internal LedgerSql Statements => _sql;

    public Task InitializeAsync(CancellationToken cancellationToken) => InitializeAsync(LatestSchemaVersion, cancellationToken);

    /// <summary>
    /// Creates or migrates the schema up to <paramref name="targetVersion"/> only (tests of migrations); the ledger
    /// then works on that version's tables.
    /// </summary>
    internal async Task InitializeAsync(int targetVersion, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(targetVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetVersion, LatestSchemaVersion);
        await _dialect.PrepareDatabaseAsync(cancellationToken);

        await using var writer = await _dialect.OpenWriterAsync(cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await _dialect.LockSchemaAsync(connection, transaction, cancellationToken);
        await connection.ExecuteAsync(Command(_dialect.CreateSchemaVersion, null, transaction, cancellationToken));
        var current = await connection.ExecuteScalarAsync<long>(Command(LedgerSql.ReadSchemaVersion, null, transaction, cancellationToken));
        LedgerMigrations.EnsureKnownVersion(current, LatestSchemaVersion, _dialect.NameInErrors);

        for (var version = (int)current + 1; version <= targetVersion; version++)
        {
            await connection.ExecuteAsync(Command(_dialect.Migrations[version - 1], null, transaction, cancellationToken));
            await connection.ExecuteAsync(Command(
                LedgerSql.RecordSchemaVersion, new { version, at = Now() }, transaction, cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        _sql = new LedgerSql(Math.Max((int)current, targetVersion));
    }

    public async Task<CommandRecord> BeginAsync(CommandStart start, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValid(start);
        var sql = _sql;
        await using var writer = await _dialect.OpenWriterAsync(LedgerDurability.Relaxed, cancellationToken);
        var inserted = await QueryFirstAsync<LedgerRows.Command>(writer.Connection, sql.BeginCommand, new
        {
            id = _dialect.Id(start.CommandId),
            kind = start.Kind,
            deployment = start.DeploymentId,
            app = start.AppSlug,
            target = start.TargetId,
            trigger = start.Trigger,
            requestedBy = start.RequestedBy,
            reason = start.Reason,
            now = Now(),
            fingerprint = start.Fingerprint,
            validatedUser = start.ValidatedUser,
        }, null, cancellationToken);
        // A duplicate inserts nothing: the command as first recorded.
        var row = inserted ?? await FindRowAsync(writer.Connection, null, sql, start.CommandId, cancellationToken)
            ?? throw new InvalidOperationException($"Command {start.CommandId} vanished right after it was recorded.");
        return row.ToRecord(_dialect);
    }

    public async Task<CommandRecord?> FindAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var connection = await _dialect.OpenAsync(cancellationToken);
        var row = await FindRowAsync(connection, null, _sql, commandId, cancellationToken);
        return row?.ToRecord(_dialect);
    }

    public Task MarkRotatingAsync(Guid commandId, DateTimeOffset? inFlightUntil, CancellationToken cancellationToken) =>
        ChangeStateAsync(
            commandId,
            _sql.MarkRotating,
            new { id = _dialect.Id(commandId), now = Now(), inFlightUntil = _dialect.Timestamp(inFlightUntil) },
            state => LedgerStates.EnsureCanMarkRotating(commandId, state?.Parsed),
            cancellationToken);

    public Task SettleRotateAsync(Guid commandId, CancellationToken cancellationToken) =>
        ChangeStateAsync(
            commandId,
            _sql.SettleRotate,
            new { id = _dialect.Id(commandId), now = Now() },
            state => LedgerStates.EnsureCanSettleRotate(commandId, state?.Parsed),
            cancellationToken);

    public async Task<DateTimeOffset?> FindRotateInFlightUntilAsync(string deploymentId, string oauthClientId, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidClient(deploymentId, oauthClientId);
        await using var connection = await _dialect.OpenAsync(cancellationToken);
        var latest = await connection.ExecuteScalarAsync<object?>(Command(_sql.RotateInFlightUntil, new
        {
            kind = RotateSecretKind,
            deployment = deploymentId,
            oauthClient = oauthClientId,
        }, null, cancellationToken));
        return latest is null or DBNull ? null : _dialect.ReadTimestamp(latest);
    }

    public async Task<IReadOnlyList<Guid>> ListOtherPendingSecretsAsync(string deploymentId, string oauthClientId, Guid excludingCommandId, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidClient(deploymentId, oauthClientId);
        await using var connection = await _dialect.OpenAsync(cancellationToken);
        var ids = await connection.QueryAsync<LedgerRows.CommandId>(Command(LedgerSql.OtherPendingSecrets, new
        {
            kind = RotateSecretKind,
            deployment = deploymentId,
            oauthClient = oauthClientId,
            excluding = _dialect.Id(excludingCommandId),
        }, null, cancellationToken));
        return [.. ids.Select(row => _dialect.ReadId(row.Value))];
    }

    public async Task RecordRouteAsync(Guid commandId, string route, string destination, string destinationKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(route);
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationKey);
        await using var writer = await _dialect.OpenWriterAsync(cancellationToken);
        await writer.Connection.ExecuteAsync(Command(_sql.RecordRoute, new
        {
            id = _dialect.Id(commandId),
            route,
            destination,
            destinationKey,
            now = Now(),
        }, null, cancellationToken));
    }

    public Task StorePendingSecretAsync(Guid commandId, PendingSecret secret, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValid(secret);
        var blob = _protector.Protect(secret.Secret.Reveal(), commandId);
        return ChangeStateAsync(
            commandId,
            _sql.StorePendingSecret,
            new
            {
                id = _dialect.Id(commandId),
                clientId = secret.ClientId,
                secret = blob,
                issuedAt = _dialect.Timestamp(secret.IssuedAt),
                now = Now(),
            },
            state => LedgerStates.EnsureCanStorePendingSecret(commandId, state?.Parsed),
            cancellationToken);
    }

    public async Task<PendingSecret?> ReadPendingSecretAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var connection = await _dialect.OpenAsync(cancellationToken);
        var row = await QueryFirstAsync<LedgerRows.Pending>(
            connection, LedgerSql.ReadPendingSecret, new { id = _dialect.Id(commandId) }, null, cancellationToken);
        return row?.ToSecret(_dialect, _protector, commandId);
    }

    public async Task CompleteRotationAsync(Guid commandId, RotationRecord rotation, RecordedOutcome outcome, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureRotationMatches(commandId, rotation);
        LedgerStates.EnsureSuccess(outcome);

        await using var writer = await _dialect.OpenWriterAsync(cancellationToken);
        await using var transaction = await writer.Connection.BeginTransactionAsync(cancellationToken);
        await ChangeStateAsync(
            writer.Connection,
            transaction,
            commandId,
            LedgerSql.CompleteRotation,
            OutcomeParameters(commandId, outcome),
            state => LedgerStates.EnsureNotTerminal(commandId, state?.Parsed, "CompleteRotationAsync"),
            cancellationToken);
        await writer.Connection.ExecuteAsync(Command(_sql.InsertRotation, new
        {
            id = _dialect.Id(commandId),
            deployment = rotation.DeploymentId,
            app = rotation.AppSlug,
            oauthClient = rotation.OAuthClientId,
            clientId = rotation.ClientId,
            rotatedAt = _dialect.Timestamp(rotation.RotatedAt),
            trigger = rotation.Trigger,
            requestedBy = rotation.RequestedBy,
            reason = rotation.Reason,
            destination = rotation.Destination,
            destinationKey = rotation.DestinationKey,
            fingerprint = rotation.SecretFingerprint,
            sentBy = rotation.SentBy,
            route = rotation.Route,
            verifiedAt = _dialect.Timestamp(rotation.VerifiedAt),
        }, transaction, cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public Task CompleteAsync(Guid commandId, RecordedOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return ChangeStateAsync(
            LedgerDurability.Relaxed,
            commandId,
            LedgerSql.Complete,
            OutcomeParameters(commandId, outcome),
            state => LedgerStates.EnsureNotTerminal(commandId, state?.Parsed, "CompleteAsync"),
            cancellationToken);
    }

    public Task AbandonPendingSecretAsync(Guid commandId, CancellationToken cancellationToken) =>
        ChangeStateAsync(
            commandId,
            LedgerSql.AbandonPendingSecret,
            new { id = _dialect.Id(commandId), now = Now() },
            state => LedgerStates.EnsureCanAbandonPendingSecret(commandId, state?.Parsed),
            cancellationToken);

    public async Task DiscardPendingSecretAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await using var writer = await _dialect.OpenWriterAsync(cancellationToken);
        await writer.Connection.ExecuteAsync(Command(
            LedgerSql.DiscardPendingSecret, new { id = _dialect.Id(commandId), now = Now() }, null, cancellationToken));
    }

    public async Task<CommandRecord> ReopenAsync(Guid commandId, CancellationToken cancellationToken)
    {
        var sql = _sql;
        await using var writer = await _dialect.OpenWriterAsync(LedgerDurability.Relaxed, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var row = await QueryFirstAsync<LedgerRows.Command>(
                writer.Connection, sql.Reopen, new { id = _dialect.Id(commandId), now = Now(), retryable = true }, null, cancellationToken);
            if (row is not null)
            {
                return row.ToRecord(_dialect);
            }

            var state = await ReadStateAsync(writer.Connection, null, commandId, cancellationToken);
            LedgerStates.EnsureCanReopen(commandId, state?.Parsed, state?.ParsedRetryable);
            EnsureAnotherAttempt(commandId, attempt);
        }
    }

    public Task RecordIntentAsync(Guid commandId, string intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        return ChangeStateAsync(
            commandId,
            LedgerSql.RecordIntent,
            new { id = _dialect.Id(commandId), intent, now = Now() },
            state => LedgerStates.EnsureCanRecordIntent(commandId, state?.Parsed),
            cancellationToken);
    }

    public async Task CompleteSigningKeyChangeAsync(Guid commandId, SigningKeyChange change, RecordedOutcome outcome, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureChangeMatches(commandId, change);
        LedgerStates.EnsureSuccess(outcome);

        await using var writer = await _dialect.OpenWriterAsync(LedgerDurability.Durable, cancellationToken);
        await using var transaction = await writer.Connection.BeginTransactionAsync(cancellationToken);
        await ChangeStateAsync(
            writer.Connection,
            transaction,
            commandId,
            LedgerSql.Complete,
            OutcomeParameters(commandId, outcome),
            state => LedgerStates.EnsureNotTerminal(commandId, state?.Parsed, "CompleteSigningKeyChangeAsync"),
            cancellationToken);
        await writer.Connection.ExecuteAsync(Command(LedgerSql.InsertSigningKeyChange, new
        {
            id = _dialect.Id(commandId),
            deployment = change.DeploymentId,
            app = change.AppSlug,
            kind = change.Kind,
            kid = change.Kid,
            previousKid = change.PreviousKid,
            activeKid = change.ActiveKid,
            changedAt = _dialect.Timestamp(change.ChangedAt),
            trigger = change.Trigger,
            requestedBy = change.RequestedBy,
            reason = change.Reason,
        }, transaction, cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SigningKeyChange>> ListSigningKeyChangesAsync(string deploymentId, string appSlug, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidApp(deploymentId, appSlug);
        await using var connection = await _dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<LedgerRows.SigningKeyChange>(Command(
            LedgerSql.SigningKeyChanges, new { deployment = deploymentId, app = appSlug }, null, cancellationToken));
        return rows.Select(row => row.ToRecord(_dialect)).ToList();
    }

    public async Task<RotationRecord?> FindLastRotationAsync(string deploymentId, string oauthClientId, CancellationToken cancellationToken)
    {
        var rotations = await QueryRotationsAsync(_sql.LastRotation, deploymentId, oauthClientId, cancellationToken);
        return rotations.Count == 0 ? null : rotations[0];
    }

    public async Task<IReadOnlyList<RotationRecord>> ListRotationsAsync(string deploymentId, string oauthClientId, CancellationToken cancellationToken) =>
        await QueryRotationsAsync(_sql.Rotations, deploymentId, oauthClientId, cancellationToken);

    public async Task RecordJobRunAsync(JobRunRecord run, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValid(run);
        await using var writer = await _dialect.OpenWriterAsync(LedgerDurability.Relaxed, cancellationToken);
        await writer.Connection.ExecuteAsync(Command(LedgerSql.InsertJobRun, new
        {
            id = _dialect.Id(run.RunId),
            job = run.Job,
            trigger = run.Trigger,
            dryRun = run.DryRun,
            scheduledFireAt = _dialect.Timestamp(run.ScheduledFireAt),
            startedAt = _dialect.Timestamp(run.StartedAt),
            finishedAt = _dialect.Timestamp(run.FinishedAt),
            instance = run.Instance,
            succeeded = run.Succeeded,
            summary = run.SummaryJson,
        }, null, cancellationToken));
    }

    public async Task<IReadOnlyList<JobRunRecord>> ListJobRunsAsync(string job, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        // SQLite would read a negative LIMIT as "no limit".
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        await using var connection = await _dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<LedgerRows.JobRun>(Command(LedgerSql.JobRuns, new { job, limit }, null, cancellationToken));
        return rows.Select(row => row.ToRecord(_dialect)).ToList();
    }

    public async Task<bool> TryRecordDueWarningAsync(string deploymentId, string oauthClientId, DateOnly day, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidClient(deploymentId, oauthClientId);
        await using var writer = await _dialect.OpenWriterAsync(LedgerDurability.Relaxed, cancellationToken);
        var affected = await writer.Connection.ExecuteAsync(Command(LedgerSql.RecordDueWarning, new
        {
            deployment = deploymentId,
            oauthClient = oauthClientId,
            day = _dialect.Day(day),
            now = Now(),
        }, null, cancellationToken));
        return affected == 1;
    }

    public async Task<bool> TryRecordSigningKeyDueWarningAsync(string deploymentId, string appSlug, DateOnly day, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidApp(deploymentId, appSlug);

        // Relaxed like the clients' warnings: a warning lost in a crash is only sent again, and it records no rotation.
        await using var writer = await _dialect.OpenWriterAsync(LedgerDurability.Relaxed, cancellationToken);
        var affected = await writer.Connection.ExecuteAsync(Command(LedgerSql.RecordSigningKeyDueWarning, new
        {
            deployment = deploymentId,
            app = appSlug,
            day = _dialect.Day(day),
            now = Now(),
        }, null, cancellationToken));
        return affected == 1;
    }

    public async Task<SigningKeySighting> RecordSigningKeySightingAsync(
        string deploymentId, string appSlug, string kid, DateTimeOffset seenAt, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidApp(deploymentId, appSlug);
        ArgumentException.ThrowIfNullOrWhiteSpace(kid);

        // Durable: the sightings are the evidence a key's age (and so its rotation) is decided from.
        await using var writer = await _dialect.OpenWriterAsync(LedgerDurability.Durable, cancellationToken);
        var row = await QueryFirstAsync<LedgerRows.Sighting>(writer.Connection, LedgerSql.RecordSigningKeySighting, new
        {
            deployment = deploymentId,
            app = appSlug,
            kid,
            seenAt = _dialect.Timestamp(seenAt),
        }, null, cancellationToken)
            ?? throw new InvalidOperationException($"The signing-key sighting of {deploymentId}/{appSlug} was not returned by the ledger.");
        return row.ToRecord(_dialect);
    }

    public async Task<SigningKeySighting?> FindSigningKeySightingAsync(string deploymentId, string appSlug, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidApp(deploymentId, appSlug);
        await using var connection = await _dialect.OpenAsync(cancellationToken);
        var row = await QueryFirstAsync<LedgerRows.Sighting>(
            connection, LedgerSql.FindSigningKeySighting, new { deployment = deploymentId, app = appSlug }, null, cancellationToken);
        return row?.ToRecord(_dialect);
    }

    public async Task<IReadOnlyList<PublishedFinding>> ListPublishedFindingsAsync(
        string deploymentId, string oauthClientId, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidClient(deploymentId, oauthClientId);
        await using var connection = await _dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<LedgerRows.Finding>(Command(
            LedgerSql.PublishedFindings, new { deployment = deploymentId, oauthClient = oauthClientId }, null, cancellationToken));
        return rows.Select(row => row.ToRecord(_dialect)).ToList();
    }

    public async Task RecordPublishedFindingsAsync(IReadOnlyList<PublishedFinding> findings, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValid(findings);
        if (findings.Count == 0)
        {
            return;
        }

        await using var writer = await _dialect.OpenWriterAsync(LedgerDurability.Relaxed, cancellationToken);
        await _dialect.UpsertPublishedFindingsAsync(writer, findings, cancellationToken);
    }

    public async Task ForgetPublishedFindingsAsync(
        string deploymentId, IReadOnlyList<(string GrantId, string Kind)> resolved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deploymentId);
        ArgumentNullException.ThrowIfNull(resolved);
        if (resolved.Count == 0)
        {
            return;
        }

        await using var writer = await _dialect.OpenWriterAsync(LedgerDurability.Relaxed, cancellationToken);
        await _dialect.DeletePublishedFindingsAsync(writer, deploymentId, resolved, cancellationToken);
    }

    /// <summary>Runs a state change on a writer of its own (see <see cref="ChangeStateAsync(DbConnection, DbTransaction?, Guid, string, object, Action{LedgerRows.State?}, CancellationToken)"/>).</summary>
    private Task ChangeStateAsync(
        Guid commandId, string sql, object parameters, Action<LedgerRows.State?> explainRefusal, CancellationToken cancellationToken) =>
        ChangeStateAsync(LedgerDurability.Durable, commandId, sql, parameters, explainRefusal, cancellationToken);

    /// <inheritdoc cref="ChangeStateAsync(Guid, string, object, Action{LedgerRows.State?}, CancellationToken)"/>
    private async Task ChangeStateAsync(
        LedgerDurability durability, Guid commandId, string sql, object parameters, Action<LedgerRows.State?> explainRefusal, CancellationToken cancellationToken)
    {
        await using var writer = await _dialect.OpenWriterAsync(durability, cancellationToken);
        await ChangeStateAsync(writer.Connection, null, commandId, sql, parameters, explainRefusal, cancellationToken);
    }

    /// <summary>
    /// Runs a conditional UPDATE of one command. When it changes nothing (the command is unknown or its state does not
    /// allow the change), reads the state and lets <paramref name="explainRefusal"/> throw the
    /// <see cref="LedgerStateException"/> that says why.
    /// </summary>
    private async Task ChangeStateAsync(
        DbConnection connection, DbTransaction? transaction, Guid commandId, string sql, object parameters,
        Action<LedgerRows.State?> explainRefusal, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await connection.ExecuteAsync(Command(sql, parameters, transaction, cancellationToken)) > 0)
            {
                return;
            }

            explainRefusal(await ReadStateAsync(connection, transaction, commandId, cancellationToken));
            EnsureAnotherAttempt(commandId, attempt);
        }
    }

    private static void EnsureAnotherAttempt(Guid commandId, int attempt)
    {
        if (attempt >= StateChangeAttempts)
        {
            throw new InvalidOperationException(
                $"Command {commandId} kept changing state while the ledger recorded a change ({attempt} attempts); try again.");
        }
    }

    private object OutcomeParameters(Guid commandId, RecordedOutcome outcome) => new
    {
        id = _dialect.Id(commandId),
        state = LedgerStates.TerminalText(outcome),
        succeeded = outcome.Succeeded,
        type = outcome.MessageType,
        json = outcome.Json,
        retryable = outcome.Retryable,
        now = Now(),
    };

    private async Task<List<RotationRecord>> QueryRotationsAsync(
        string sql, string deploymentId, string oauthClientId, CancellationToken cancellationToken)
    {
        LedgerStates.EnsureValidClient(deploymentId, oauthClientId);
        await using var connection = await _dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<LedgerRows.Rotation>(Command(
            sql, new { deployment = deploymentId, oauthClient = oauthClientId }, null, cancellationToken));
        return rows.Select(row => row.ToRecord(_dialect)).ToList();
    }

    private Task<LedgerRows.Command?> FindRowAsync(
        DbConnection connection, DbTransaction? transaction, LedgerSql sql, Guid commandId, CancellationToken cancellationToken) =>
        QueryFirstAsync<LedgerRows.Command>(connection, sql.FindCommand, new { id = _dialect.Id(commandId) }, transaction, cancellationToken);

    private Task<LedgerRows.State?> ReadStateAsync(
        DbConnection connection, DbTransaction? transaction, Guid commandId, CancellationToken cancellationToken) =>
        QueryFirstAsync<LedgerRows.State>(connection, LedgerSql.ReadState, new { id = _dialect.Id(commandId) }, transaction, cancellationToken);

    /// <summary>The first row, or null. Reads the whole (single-row) result, so an INSERT/UPDATE … RETURNING runs to its end.</summary>
    private async Task<T?> QueryFirstAsync<T>(
        DbConnection connection, string sql, object parameters, DbTransaction? transaction, CancellationToken cancellationToken)
        where T : class =>
        (await connection.QueryAsync<T>(Command(sql, parameters, transaction, cancellationToken))).FirstOrDefault();

    private CommandDefinition Command(string sql, object? parameters, DbTransaction? transaction, CancellationToken cancellationToken) =>
        new(sql, parameters, transaction, _dialect.CommandTimeoutSeconds, cancellationToken: cancellationToken);

    private object Now() => _dialect.Timestamp(_timeProvider.GetUtcNow());
}
