using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;
using Wacht.Worker.Ledger;
using Wacht.Worker.Ledger.Sql;
using Wacht.Worker.Tests.Ledger.Sql;

namespace Wacht.Worker.IntegrationTests.Ledger.Sql;

/// <summary>
/// <c>EXPLAIN</c> of the hot queries on a PostgreSQL ledger with data (20,000 findings, commands and rotations over
/// 2,000 clients; 10,000 job runs) and fresh statistics: no sequential scan of the table, an index condition on all
/// the query's equality columns, and no sort for an ordered query. The last test shows the check catches the
/// schema-version-3 indexes.
/// </summary>
public sealed class PostgresQueryPlanTests : IAsyncLifetime
{
    private PostgresDatabase? _database;

    private PostgresDatabase Database => _database ?? throw new InvalidOperationException("No database.");

    public async Task InitializeAsync() => _database = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(HotQueries.Names), MemberType = typeof(HotQueries))]
    public async Task HotQuery_UsesAnIndexOnAllItsConditions_InItsOrder(string name)
    {
        var ledger = await OpenWithDataAsync(schemaVersion: null);
        var query = Queries(ledger).Single(q => q.Name == name);

        var plan = await PlanAsync(query);

        var violations = Violations(query, plan);
        Assert.True(violations.Count == 0, $"{name}: {string.Join("; ", violations)}\nplan:\n{plan}");
    }

    [Fact]
    public async Task PlanCheck_OnTheSchemaVersion3Indexes_FlagsTheAuditsPerClientReadOfFindings()
    {
        var ledger = await OpenWithDataAsync(schemaVersion: 3);
        var query = Queries(ledger).Single(q => q.Name == "published-findings");

        var plan = await PlanAsync(query);

        Assert.NotEmpty(Violations(query, plan));
    }

    private static List<string> Violations(HotQuery query, string planJson)
    {
        using var document = JsonDocument.Parse(planJson);
        var nodes = new List<JsonElement>();
        Collect(document.RootElement[0].GetProperty("Plan"), nodes);
        var violations = new List<string>();
        foreach (var node in nodes)
        {
            var type = node.GetProperty("Node Type").GetString();
            if (type == "Seq Scan" && Text(node, "Relation Name") == query.Table)
            {
                violations.Add($"sequential scan of {query.Table}");
            }

            if (query.Ordered && type is "Sort" or "Incremental Sort")
            {
                violations.Add($"{type} ({Text(node, "Sort Key")})");
            }
        }

        var conditions = nodes
            .Where(static node => node.GetProperty("Node Type").GetString() is "Index Scan" or "Index Only Scan" or "Bitmap Index Scan")
            .Select(static node => Text(node, "Index Cond"))
            .ToList();
        if (!conditions.Any(condition => query.EqualityColumns.All(column => Regex.IsMatch(condition, $@"[(.]{column} = "))))
        {
            violations.Add($"no index condition on all of {string.Join(", ", query.EqualityColumns)} (index conditions: {string.Join(" | ", conditions)})");
        }

        return violations;
    }

    private static void Collect(JsonElement node, List<JsonElement> nodes)
    {
        nodes.Add(node);
        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                Collect(child, nodes);
            }
        }
    }

    private static string Text(JsonElement node, string property) =>
        node.TryGetProperty(property, out var value) ? value.ToString() : "";

    private static IReadOnlyList<HotQuery> Queries(SqlLedger ledger) => HotQueries.All(
        ledger.Statements,
        ledger.Dialect.Id,
        new { deployment = HotQueries.Deployment, grants = new[] { "grant-420", "grant-421" }, kinds = new[] { "stale-grant", "stale-grant" } },
        PostgresDialect.DeletePublishedFindings);

    private async Task<string> PlanAsync(HotQuery query)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        return (await connection.ExecuteScalarAsync<string>("EXPLAIN (FORMAT JSON) " + query.Sql, query.Parameters))!;
    }

    /// <summary>A ledger at <paramref name="schemaVersion"/> (null: the latest) with data in every table, analysed.</summary>
    private async Task<SqlLedger> OpenWithDataAsync(int? schemaVersion)
    {
        var ledger = SqlLedger.ForPostgres(
            Database.CreateDataSource(), new SecretProtector(RandomNumberGenerator.GetBytes(32)), TimeProvider.System, TimeSpan.FromSeconds(30));
        await ledger.InitializeAsync(schemaVersion ?? ledger.LatestSchemaVersion, CancellationToken.None);
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO audit_findings (deployment_id, oauth_client_id, grant_id, kind, detail_hash, first_published_at, last_published_at)
            SELECT d, 'client-' || lpad((i / 10)::text, 5, '0'), 'grant-' || i, 'stale-grant', 'sha256:x', now(), now()
            FROM generate_series(0, 19999) AS i, (VALUES ('7283910238471'), ('999')) AS deployments(d);
            INSERT INTO commands (command_id, kind, deployment_id, app_slug, target_id, state, "trigger", rotate_calls, rotating_at, created_at, updated_at)
            SELECT gen_random_uuid(), CASE WHEN i % 2 = 0 THEN 'rotate-secret' ELSE 'revoke-grant' END, '7283910238471', 'billing',
                   'client-' || lpad((i % 2000)::text, 5, '0'), 'succeeded', 'schedule', 1, now() - i * interval '1 minute', now(), now()
            FROM generate_series(0, 19999) AS i;
            INSERT INTO rotations (command_id, deployment_id, app_slug, oauth_client_id, client_id, rotated_at, "trigger", destination, destination_key, secret_fingerprint)
            SELECT gen_random_uuid(), '7283910238471', 'billing', 'client-' || lpad((i % 2000)::text, 5, '0'), 'oc_x',
                   now() - i * interval '1 minute', 'schedule', 'file', 'key', '0123456789ab'
            FROM generate_series(0, 19999) AS i;
            INSERT INTO job_runs (run_id, job, "trigger", dry_run, started_at, finished_at, instance, succeeded, summary_json)
            SELECT gen_random_uuid(), CASE WHEN i % 2 = 0 THEN 'grant-audit' ELSE 'rotation-sweep' END, 'schedule', false,
                   now() - i * interval '1 hour', now() - i * interval '1 hour' + interval '1 minute', 'worker-a', true, '{}'
            FROM generate_series(0, 9999) AS i;
            """);
        if ((schemaVersion ?? ledger.LatestSchemaVersion) >= LedgerMigrations.SigningKeysVersion)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO signing_key_changes (command_id, deployment_id, app_slug, kind, kid, previous_kid, active_kid, changed_at, "trigger")
                SELECT gen_random_uuid(), '7283910238471', 'app-' || lpad((i % 2000)::text, 5, '0'), 'rotate', 'oas-' || i, NULL, 'oas-' || i,
                       now() - i * interval '1 minute', 'schedule'
                FROM generate_series(0, 19999) AS i;
                INSERT INTO signing_key_sightings (deployment_id, app_slug, kid, first_seen_at, last_seen_at)
                SELECT '7283910238471', 'app-' || lpad(i::text, 5, '0'), 'oas-' || i, now(), now()
                FROM generate_series(0, 1999) AS i;
                """);
        }

        await connection.ExecuteAsync("ANALYZE;");
        return ledger;
    }
}
