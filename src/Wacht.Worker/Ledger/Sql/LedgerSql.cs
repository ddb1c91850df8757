namespace Wacht.Worker.Ledger.Sql;

/// <summary>
/// The ledger's statements, the same text on SQLite and PostgreSQL (both take <c>@name</c> parameters, <c>ON CONFLICT</c>
/// upserts and <c>RETURNING</c>); values are converted by the <see cref="LedgerDialect"/>. Columns are aliased to the
/// property names of the rows in <see cref="LedgerRows"/>.
/// <para>
/// A state change is one conditional <c>UPDATE</c> whose <c>WHERE</c> holds the states <see cref="LedgerStates"/>
/// allows for it: it changes the row only when the transition is allowed, atomically, in one round trip. When it
/// changes nothing, the ledger reads the state and lets <see cref="LedgerStates"/> explain why.
/// </para>
/// </summary>
internal sealed class LedgerSql
{
    private const string CommandColumnsUpToVersion4 =
        "command_id AS CommandId, kind AS Kind, deployment_id AS DeploymentId, app_slug AS AppSlug, target_id AS TargetId, "
        + "state AS State, rotate_calls AS RotateCalls, created_at AS CreatedAt, updated_at AS UpdatedAt, "
        + "outcome_succeeded AS OutcomeSucceeded, outcome_type AS OutcomeType, outcome_json AS OutcomeJson, "
        + "outcome_retryable AS OutcomeRetryable";

    /// <summary>
    /// The statements for a database at <paramref name="schemaVersion"/>: the columns of later versions are left out
    /// (read as NULL). Only a ledger migrated part of the way (tests of migrations) is ever below the latest version.
    /// </summary>
    public LedgerSql(int schemaVersion)
    {
        var payload = schemaVersion >= LedgerMigrations.CommandPayloadVersion;
        var routing = schemaVersion >= LedgerMigrations.RotationRoutingVersion;
        var commandColumns = CommandColumnsUpToVersion4
            + (payload
                ? ", payload_fingerprint AS Fingerprint, validated_user AS ValidatedUser"
                : ", NULL AS Fingerprint, NULL AS ValidatedUser")
            + (routing
                ? ", rotate_in_flight_until AS RotateInFlightUntil, route AS Route, destination AS Destination, destination_key AS DestinationKey"
                : ", NULL AS RotateInFlightUntil, NULL AS Route, NULL AS Destination, NULL AS DestinationKey")
            + (schemaVersion >= LedgerMigrations.SigningKeysVersion ? ", intent AS Intent" : ", NULL AS Intent");
        var rotationColumns = RotationColumnsUpToVersion5
            + (routing ? ", sent_by AS SentBy, route AS Route, verified_at AS VerifiedAt" : ", NULL AS SentBy, NULL AS Route, NULL AS VerifiedAt");

        MarkRotating =
            $"""
            UPDATE commands SET state = 'rotating', rotate_calls = rotate_calls + 1, rotating_at = @now, updated_at = @now
                                {(routing ? ", rotate_in_flight_until = @inFlightUntil" : "")}
            WHERE command_id = @id AND state IN ('received', 'rotating');
            """;
        SettleRotate = routing
            ? "UPDATE commands SET rotate_in_flight_until = NULL, updated_at = @now WHERE command_id = @id AND state = 'rotating';"
            : "UPDATE commands SET updated_at = @now WHERE command_id = @id AND state = 'rotating';";
        RotateInFlightUntil = routing
            ? """
              SELECT MAX(rotate_in_flight_until) FROM commands
              WHERE kind = @kind AND deployment_id = @deployment AND target_id = @oauthClient;
              """
            : "SELECT NULL;";
        StorePendingSecret =
            $"""
            UPDATE commands SET state = 'pendingdelivery', pending_client_id = @clientId, pending_secret = @secret,
                                pending_issued_at = @issuedAt, updated_at = @now{(routing ? ", rotate_in_flight_until = NULL" : "")}
            WHERE command_id = @id AND state = 'rotating';
            """;
        RecordRoute = routing
            ? """
              UPDATE commands SET route = @route, destination = @destination, destination_key = @destinationKey, updated_at = @now
              WHERE command_id = @id AND state NOT IN ('succeeded', 'failed');
              """
            : "UPDATE commands SET updated_at = @now WHERE command_id = @id AND state NOT IN ('succeeded', 'failed');";
        InsertRotation =
            $"""
            INSERT INTO rotations (command_id, deployment_id, app_slug, oauth_client_id, client_id, rotated_at, "trigger",
                                   requested_by, reason, destination, destination_key, secret_fingerprint{(routing ? ", sent_by, route, verified_at" : "")})
            VALUES (@id, @deployment, @app, @oauthClient, @clientId, @rotatedAt, @trigger, @requestedBy, @reason,
                    @destination, @destinationKey, @fingerprint{(routing ? ", @sentBy, @route, @verifiedAt" : "")});
            """;
        LastRotation =
            $"""
            SELECT {rotationColumns} FROM rotations
            WHERE deployment_id = @deployment AND oauth_client_id = @oauthClient
            ORDER BY rotated_at DESC, id DESC
            LIMIT 1;
            """;
        Rotations =
            $"""
            SELECT {rotationColumns} FROM rotations
            WHERE deployment_id = @deployment AND oauth_client_id = @oauthClient
            ORDER BY rotated_at DESC, id DESC;
            """;

        FindCommand = $"SELECT {commandColumns} FROM commands WHERE command_id = @id;";
        BeginCommand =
            $"""
            INSERT INTO commands (command_id, kind, deployment_id, app_slug, target_id, state, "trigger", requested_by, reason,
                                  rotate_calls, created_at, updated_at{(payload ? ", payload_fingerprint, validated_user" : "")})
            VALUES (@id, @kind, @deployment, @app, @target, 'received', @trigger, @requestedBy, @reason,
                    0, @now, @now{(payload ? ", @fingerprint, @validatedUser" : "")})
            ON CONFLICT (command_id) DO NOTHING
            RETURNING {commandColumns};
            """;
        Reopen =
            $"""
            UPDATE commands SET state = CASE WHEN pending_secret IS NULL THEN 'received' ELSE 'pendingdelivery' END,
                                outcome_succeeded = NULL, outcome_type = NULL, outcome_json = NULL, outcome_retryable = NULL,
                                updated_at = @now
            WHERE command_id = @id AND state = 'failed' AND outcome_retryable = @retryable
            RETURNING {commandColumns};
            """;
    }

    /// <summary>A command by id (<see cref="LedgerRows.Command"/>).</summary>
    public string FindCommand { get; }

    /// <summary>
    /// Records a new command and returns it; returns nothing when the id exists (then <see cref="FindCommand"/>). On
    /// PostgreSQL a concurrent insert of the same id makes this wait for the other transaction, then do nothing; the
    /// following read (a new snapshot) sees the winner's row.
    /// </summary>
    public string BeginCommand { get; }

    /// <summary>Re-opens a failed command recorded as retryable (<see cref="LedgerStates.EnsureCanReopen"/>), returning it.</summary>
    public string Reopen { get; }

    /// <summary><see cref="LedgerStates.EnsureCanMarkRotating"/>: from received or rotating; records the call's in-flight deadline.</summary>
    public string MarkRotating { get; }

    /// <summary>The rotate call answered (whatever the answer): it can no longer take effect later.</summary>
    public string SettleRotate { get; }

    /// <summary>
    /// The latest in-flight deadline of a client's rotate calls, any command: until then a call whose answer was lost may
    /// still take effect at Wacht. On SQLite the round-trip UTC text has a fixed width, so MAX over the text is the latest.
    /// </summary>
    public string RotateInFlightUntil { get; }

    /// <summary><see cref="LedgerStates.EnsureCanStorePendingSecret"/>: only while rotating; the call answered, so it is no longer in flight.</summary>
    public string StorePendingSecret { get; }

    /// <summary>Records the route and destination key decided for a command (before its rotate call).</summary>
    public string RecordRoute { get; }

    /// <summary>Appends a rotation to the history.</summary>
    public string InsertRotation { get; }

    /// <summary>A client's latest rotation (<see cref="LedgerRows.Rotation"/>); newest first, ties by insertion.</summary>
    public string LastRotation { get; }

    /// <summary>A client's rotation history, newest first.</summary>
    public string Rotations { get; }

    /// <summary>The state and retryable flag of a command (<see cref="LedgerRows.State"/>).</summary>
    public const string ReadState = "SELECT state AS Value, outcome_retryable AS Retryable FROM commands WHERE command_id = @id;";

    /// <summary>The client's other rotate commands holding an undelivered secret, newest intent first.</summary>
    public const string OtherPendingSecrets =
        """
        SELECT command_id AS Value FROM commands
        WHERE kind = @kind AND deployment_id = @deployment AND target_id = @oauthClient AND command_id <> @excluding
              AND pending_secret IS NOT NULL
        ORDER BY rotating_at DESC;
        """;

    /// <summary><see cref="LedgerStates.EnsureCanRecordIntent"/>: from received or rotating; the intent replaces an earlier one.</summary>
    public const string RecordIntent =
        """
        UPDATE commands SET state = 'rotating', rotate_calls = rotate_calls + 1, rotating_at = @now, intent = @intent, updated_at = @now
        WHERE command_id = @id AND state IN ('received', 'rotating');
        """;

    /// <summary>The pending secret of a command (<see cref="LedgerRows.Pending"/>).</summary>
    public const string ReadPendingSecret =
        """
        SELECT pending_client_id AS ClientId, pending_secret AS Secret, pending_issued_at AS IssuedAt
        FROM commands WHERE command_id = @id AND pending_secret IS NOT NULL;
        """;

    /// <summary>
    /// <see cref="LedgerStates.EnsureNotTerminal"/>: records the outcome of a command that has none yet (a pending
    /// secret, if any, is kept: only delivery erases it, see <see cref="CompleteRotation"/>).
    /// </summary>
    public const string Complete =
        """
        UPDATE commands SET state = @state, outcome_succeeded = @succeeded, outcome_type = @type, outcome_json = @json,
                            outcome_retryable = @retryable, updated_at = @now
        WHERE command_id = @id AND state NOT IN ('succeeded', 'failed');
        """;

    /// <summary><see cref="Complete"/> that also erases the pending secret (a rotation delivered).</summary>
    public const string CompleteRotation =
        """
        UPDATE commands SET pending_secret = NULL, pending_client_id = NULL, pending_issued_at = NULL,
                            state = @state, outcome_succeeded = @succeeded, outcome_type = @type, outcome_json = @json,
                            outcome_retryable = @retryable, updated_at = @now
        WHERE command_id = @id AND state NOT IN ('succeeded', 'failed');
        """;

    /// <summary>
    /// <see cref="LedgerStates.EnsureCanAbandonPendingSecret"/>: erases an undecryptable pending secret and goes back to
    /// rotating, so the next attempt rotates again.
    /// </summary>
    public const string AbandonPendingSecret =
        """
        UPDATE commands SET pending_secret = NULL, pending_client_id = NULL, pending_issued_at = NULL, state = 'rotating',
                            updated_at = @now
        WHERE command_id = @id AND state = 'pendingdelivery';
        """;

    /// <summary>Erases a terminal command's pending secret (superseded); no-op otherwise.</summary>
    public const string DiscardPendingSecret =
        """
        UPDATE commands SET pending_secret = NULL, pending_client_id = NULL, pending_issued_at = NULL, updated_at = @now
        WHERE command_id = @id AND state IN ('succeeded', 'failed') AND pending_secret IS NOT NULL;
        """;

    private const string RotationColumnsUpToVersion5 =
        "command_id AS CommandId, deployment_id AS DeploymentId, app_slug AS AppSlug, oauth_client_id AS OAuthClientId, "
        + "client_id AS ClientId, rotated_at AS RotatedAt, \"trigger\" AS TriggerName, requested_by AS RequestedBy, "
        + "reason AS Reason, destination AS Destination, destination_key AS DestinationKey, secret_fingerprint AS SecretFingerprint";

    /// <summary>Appends a change to an app's signing-key history.</summary>
    public const string InsertSigningKeyChange =
        """
        INSERT INTO signing_key_changes (command_id, deployment_id, app_slug, kind, kid, previous_kid, active_kid, changed_at,
                                         "trigger", requested_by, reason)
        VALUES (@id, @deployment, @app, @kind, @kid, @previousKid, @activeKid, @changedAt, @trigger, @requestedBy, @reason);
        """;

    /// <summary>An app's signing-key history (<see cref="LedgerRows.SigningKeyChange"/>), newest first, ties by insertion.</summary>
    public const string SigningKeyChanges =
        """
        SELECT command_id AS CommandId, deployment_id AS DeploymentId, app_slug AS AppSlug, kind AS Kind, kid AS Kid,
               previous_kid AS PreviousKid, active_kid AS ActiveKid, changed_at AS ChangedAt, "trigger" AS TriggerName,
               requested_by AS RequestedBy, reason AS Reason
        FROM signing_key_changes
        WHERE deployment_id = @deployment AND app_slug = @app
        ORDER BY changed_at DESC, id DESC;
        """;

    private const string SightingColumns =
        "deployment_id AS DeploymentId, app_slug AS AppSlug, kid AS Kid, first_seen_at AS FirstSeenAt, "
        + "last_seen_at AS LastSeenAt, created_after AS CreatedAfter";

    /// <summary>
    /// <see cref="Ledger.SigningKeySighting.Next"/> in one statement: the same key again keeps its first sighting and
    /// bound; another key starts a new sighting bounded by the last time the previous one was seen. Every right-hand side
    /// reads the row as it was before the update (both databases evaluate SET that way). On PostgreSQL a concurrent
    /// sighting of the same app waits for the other transaction and then updates its committed row.
    /// </summary>
    public const string RecordSigningKeySighting =
        $"""
        INSERT INTO signing_key_sightings (deployment_id, app_slug, kid, first_seen_at, last_seen_at, created_after)
        VALUES (@deployment, @app, @kid, @seenAt, @seenAt, NULL)
        ON CONFLICT (deployment_id, app_slug) DO UPDATE SET
            created_after = CASE WHEN signing_key_sightings.kid = excluded.kid THEN signing_key_sightings.created_after
                                 ELSE signing_key_sightings.last_seen_at END,
            first_seen_at = CASE WHEN signing_key_sightings.kid = excluded.kid THEN signing_key_sightings.first_seen_at
                                 ELSE excluded.first_seen_at END,
            kid = excluded.kid,
            last_seen_at = excluded.last_seen_at
        RETURNING {SightingColumns};
        """;

    /// <summary>An app's signing-key sighting (<see cref="LedgerRows.Sighting"/>), by primary key.</summary>
    public const string FindSigningKeySighting =
        $"SELECT {SightingColumns} FROM signing_key_sightings WHERE deployment_id = @deployment AND app_slug = @app;";

    /// <summary>As <see cref="RecordDueWarning"/>, per app: one row affected means this is the app's first warning of the day.</summary>
    public const string RecordSigningKeyDueWarning =
        """
        INSERT INTO signing_key_due_warnings (deployment_id, app_slug, warned_on, warned_at)
        VALUES (@deployment, @app, @day, @now)
        ON CONFLICT (deployment_id, app_slug) DO UPDATE SET warned_on = excluded.warned_on, warned_at = excluded.warned_at
        WHERE signing_key_due_warnings.warned_on < excluded.warned_on;
        """;

    /// <summary>A job run is recorded once: a second record of the same run id changes nothing.</summary>
    public const string InsertJobRun =
        """
        INSERT INTO job_runs (run_id, job, "trigger", dry_run, scheduled_fire_at, started_at, finished_at, instance, succeeded, summary_json)
        VALUES (@id, @job, @trigger, @dryRun, @scheduledFireAt, @startedAt, @finishedAt, @instance, @succeeded, @summary)
        ON CONFLICT (run_id) DO NOTHING;
        """;

    /// <summary>A job's latest runs (<see cref="LedgerRows.JobRun"/>): newest start first (ties: latest finish, then run id).</summary>
    public const string JobRuns =
        """
        SELECT run_id AS RunId, job AS Job, "trigger" AS TriggerName, dry_run AS DryRun, scheduled_fire_at AS ScheduledFireAt,
               started_at AS StartedAt, finished_at AS FinishedAt, instance AS Instance, succeeded AS Succeeded,
               summary_json AS SummaryJson
        FROM job_runs
        WHERE job = @job
        ORDER BY started_at DESC, finished_at DESC, run_id DESC
        LIMIT @limit;
        """;

    /// <summary>
    /// The table keeps only each client's latest warning day. A warning for a later day replaces it (one row affected);
    /// a warning for the same (or an earlier) day changes nothing (no row affected), so the affected-row count says
    /// whether this is the client's first warning of the day. One statement: on PostgreSQL a concurrent insert or
    /// update of the same client waits for the other transaction, and the WHERE is then checked against the committed
    /// row, so exactly one instance sees a row affected.
    /// </summary>
    public const string RecordDueWarning =
        """
        INSERT INTO rotation_due_warnings (deployment_id, oauth_client_id, warned_on, warned_at)
        VALUES (@deployment, @oauthClient, @day, @now)
        ON CONFLICT (deployment_id, oauth_client_id) DO UPDATE SET warned_on = excluded.warned_on, warned_at = excluded.warned_at
        WHERE rotation_due_warnings.warned_on < excluded.warned_on;
        """;

    /// <summary>
    /// A client's published findings (<see cref="LedgerRows.Finding"/>), in a stable order. The audit runs it once per
    /// client: it must read only that client's rows, in index order (schema version 4).
    /// </summary>
    public const string PublishedFindings =
        """
        SELECT deployment_id AS DeploymentId, oauth_client_id AS OAuthClientId, grant_id AS GrantId, kind AS Kind,
               detail_hash AS DetailHash, last_published_at AS LastPublishedAt
        FROM audit_findings
        WHERE deployment_id = @deployment AND oauth_client_id = @oauthClient
        ORDER BY grant_id, kind;
        """;

    public const string ReadSchemaVersion = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";

    public const string RecordSchemaVersion = "INSERT INTO schema_version (version, applied_at) VALUES (@version, @at);";
}
