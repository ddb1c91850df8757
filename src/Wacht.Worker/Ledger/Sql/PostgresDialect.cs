using System.Data.Common;
using Dapper;
using Npgsql;

namespace Wacht.Worker.Ledger.Sql;

/// <summary>
/// The ledger in a PostgreSQL database shared by several worker instances. Writers run side by side: a state change
/// is one conditional <c>UPDATE</c> (which locks the command's row, so a concurrent change waits and is then checked
/// against the committed row); upserts rely on <c>ON CONFLICT</c>. The schema is migrated under a transaction-level
/// advisory lock so instances starting together do not race. Native types: <c>uuid</c>, <c>timestamptz</c> (written
/// in UTC), <c>date</c>.
/// </summary>
internal sealed class PostgresDialect : LedgerDialect
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Records many published findings in one statement (see <see cref="UpsertPublishedFindingsAsync"/>).</summary>
    internal const string UpsertPublishedFindings =
        """
        INSERT INTO audit_findings (deployment_id, oauth_client_id, grant_id, kind, detail_hash, first_published_at, last_published_at)
        SELECT deployment_id, oauth_client_id, grant_id, kind, detail_hash, published_at, published_at
        FROM unnest(@deployments, @oauthClients, @grants, @kinds, @hashes, @publishedAt)
             AS f(deployment_id, oauth_client_id, grant_id, kind, detail_hash, published_at)
        ON CONFLICT (deployment_id, grant_id, kind) DO UPDATE SET oauth_client_id = excluded.oauth_client_id,
            detail_hash = excluded.detail_hash, last_published_at = excluded.last_published_at;
        """;

    /// <summary>Forgets many published findings of a deployment in one statement (by primary key).</summary>
    internal const string DeletePublishedFindings =
        """
        DELETE FROM audit_findings AS a
        USING unnest(@grants, @kinds) AS r(grant_id, kind)
        WHERE a.deployment_id = @deployment AND a.grant_id = r.grant_id AND a.kind = r.kind;
        """;

    public PostgresDialect(NpgsqlDataSource dataSource, TimeSpan commandTimeout)
        : base(commandTimeout)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    public override LedgerProvider Provider => LedgerProvider.PostgreSql;

    public override IReadOnlyList<string> Migrations => PostgresMigrations.All;

    public override string CreateSchemaVersion => PostgresMigrations.CreateSchemaVersion;

    /// <summary>Host, port, database and user; never the password (the data source's connection string omits it).</summary>
    public override string Location
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            return $"host {builder.Host}:{builder.Port}, database {builder.Database}, user {builder.Username}";
        }
    }

    public override string? NameInErrors => null;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// A relaxed writer's session runs with <c>synchronous_commit=off</c> (the commit does not wait for the server's WAL
    /// flush; the server never corrupts, it may only lose the last such commits if it crashes), reset before the
    /// connection returns to the pool.
    /// </summary>
    public override async Task<LedgerWriter> OpenWriterAsync(LedgerDurability durability, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        if (durability == LedgerDurability.Durable)
        {
            return new LedgerWriter(connection, turn: null);
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition("SET synchronous_commit = off;", commandTimeout: CommandTimeoutSeconds, cancellationToken: cancellationToken));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return new LedgerWriter(connection, turn: null, static c => c.ExecuteAsync("RESET synchronous_commit;"));
    }

    public override Task PrepareDatabaseAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        // Released at commit or rollback: instances starting together migrate one after the other.
        connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(@key);", new { key = AdvisoryLockKey.For("schema-migration") }, transaction,
            CommandTimeoutSeconds, cancellationToken: cancellationToken));

    public override object Id(Guid id) => id;

    public override Guid ReadId(object value) => (Guid)value;

    /// <summary>Npgsql writes a <see cref="DateTimeOffset"/> to <c>timestamptz</c> only with offset zero.</summary>
    public override object Timestamp(DateTimeOffset value) => value.ToUniversalTime();

    public override DateTimeOffset ReadTimestamp(object value) => value switch
    {
        // Npgsql reads timestamptz as a UTC DateTime.
        DateTime utc => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)),
        DateTimeOffset offset => offset,
        _ => throw new InvalidOperationException($"The ledger holds a timestamp of unexpected type {value.GetType().Name}."),
    };

    public override object Day(DateOnly day) => day;

    /// <summary>
    /// One statement over arrays (<c>unnest</c>): one round trip, atomic. One statement cannot update the same row
    /// twice, so a grant+kind listed twice is reduced to its last entry first (the same end state as upserting the
    /// entries one after the other).
    /// </summary>
    public override async Task UpsertPublishedFindingsAsync(
        LedgerWriter writer, IReadOnlyList<PublishedFinding> findings, CancellationToken cancellationToken)
    {
        var last = new Dictionary<(string, string, string), PublishedFinding>(findings.Count);
        foreach (var finding in findings)
        {
            last[(finding.DeploymentId, finding.GrantId, finding.Kind)] = finding;
        }

        var rows = last.Values;
        await writer.Connection.ExecuteAsync(new CommandDefinition(
            UpsertPublishedFindings,
            new
            {
                deployments = rows.Select(static f => f.DeploymentId).ToArray(),
                oauthClients = rows.Select(static f => f.OAuthClientId).ToArray(),
                grants = rows.Select(static f => f.GrantId).ToArray(),
                kinds = rows.Select(static f => f.Kind).ToArray(),
                hashes = rows.Select(static f => f.DetailHash).ToArray(),
                publishedAt = rows.Select(static f => f.LastPublishedAt.ToUniversalTime()).ToArray(),
            },
            commandTimeout: CommandTimeoutSeconds,
            cancellationToken: cancellationToken));
    }

    /// <summary>One statement over arrays (<c>unnest</c>): one round trip, atomic.</summary>
    public override async Task DeletePublishedFindingsAsync(
        LedgerWriter writer, string deploymentId, IReadOnlyList<(string GrantId, string Kind)> resolved, CancellationToken cancellationToken)
    {
        await writer.Connection.ExecuteAsync(new CommandDefinition(
            DeletePublishedFindings,
            new
            {
                deployment = deploymentId,
                grants = resolved.Select(static r => r.GrantId).ToArray(),
                kinds = resolved.Select(static r => r.Kind).ToArray(),
            },
            commandTimeout: CommandTimeoutSeconds,
            cancellationToken: cancellationToken));
    }
}
