using Wacht.Worker.Ledger.Sql;

namespace Wacht.Worker.Tests.Ledger.Sql;

/// <summary>
/// The ledger's queries that run once per client (or per command) in the jobs and the command pipeline, as the ledger
/// runs them (its own statements, parameters in the database's form), with what their plan must use: an index whose
/// equality conditions are <see cref="HotQuery.EqualityColumns"/>, and for an ordered query, that index's order (no
/// sort). Shared by the SQLite plan tests (unit tests) and the PostgreSQL ones (integration tests).
/// </summary>
internal static class HotQueries
{
    public const string Deployment = "7283910238471";

    /// <summary>The names, for theories.</summary>
    public static TheoryData<string> Names => new(All(LedgerSqlAtLatest(), _ => "x", Placeholder, "forget").Select(static q => q.Name));

    /// <summary>The hot queries of <paramref name="sql"/>.</summary>
    /// <param name="id">The dialect's form of a command id.</param>
    /// <param name="forgetStatement">The statement that forgets findings (both batched: SQLite over json_each, PostgreSQL over unnest).</param>
    public static IReadOnlyList<HotQuery> All(LedgerSql sql, Func<Guid, object> id, object forgetParameters, string forgetStatement) =>
    [
        new("published-findings", "audit_findings", LedgerSql.PublishedFindings,
            new { deployment = Deployment, oauthClient = "client-00042" }, ["deployment_id", "oauth_client_id"], Ordered: true),
        new("rotate-in-flight", "commands", sql.RotateInFlightUntil,
            new { kind = SqlLedger.RotateSecretKind, deployment = Deployment, oauthClient = "client-00042" },
            ["kind", "deployment_id", "target_id"], Ordered: false),
        new("last-rotation", "rotations", sql.LastRotation,
            new { deployment = Deployment, oauthClient = "client-00042" }, ["deployment_id", "oauth_client_id"], Ordered: true),
        new("rotation-history", "rotations", sql.Rotations,
            new { deployment = Deployment, oauthClient = "client-00042" }, ["deployment_id", "oauth_client_id"], Ordered: true),
        new("signing-key-changes", "signing_key_changes", LedgerSql.SigningKeyChanges,
            new { deployment = Deployment, app = "app-00042" }, ["deployment_id", "app_slug"], Ordered: true),
        new("signing-key-sighting", "signing_key_sightings", LedgerSql.FindSigningKeySighting,
            new { deployment = Deployment, app = "app-00042" }, ["deployment_id", "app_slug"], Ordered: false),
        new("job-runs", "job_runs", LedgerSql.JobRuns, new { job = "grant-audit", limit = 20 }, ["job"], Ordered: true),
        new("find-command", "commands", sql.FindCommand, new { id = id(Guid.NewGuid()) }, ["command_id"], Ordered: false),
        new("forget-findings", "audit_findings", forgetStatement, forgetParameters, ["deployment_id", "grant_id", "kind"], Ordered: false),
    ];

    private static readonly object Placeholder = new();

    private static LedgerSql LedgerSqlAtLatest() => new(LedgerMigrations.SigningKeysVersion);
}

/// <param name="Table">The table the query reads.</param>
/// <param name="EqualityColumns">The columns the query compares with a value: the index used must cover them all.</param>
/// <param name="Ordered">Whether the query orders its rows: the index must give that order (no sort step).</param>
internal sealed record HotQuery(string Name, string Table, string Sql, object Parameters, IReadOnlyList<string> EqualityColumns, bool Ordered)
{
    public override string ToString() => Name;
}
