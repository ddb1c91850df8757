using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;
using Wacht.Worker.Ledger;
using Wacht.Worker.Ledger.Sql;

namespace Wacht.Worker.Tests.Ledger.Sql;

/// <summary>
/// <c>EXPLAIN QUERY PLAN</c> of the hot queries on a ledger with data (and no <c>ANALYZE</c>, as in production): each
/// must search an index on all its equality columns and read rows in that index's order. At schema version 3 the
/// audit's per-client read of findings searched the primary key on the deployment alone (every finding of the
/// deployment, per client); the last test shows the check catches that.
/// </summary>
public sealed class SqliteQueryPlanTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wacht-plan-" + Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_directory, "ledger.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(HotQueries.Names), MemberType = typeof(HotQueries))]
    public async Task HotQuery_SearchesAnIndexOnAllItsConditions_InItsOrder(string name)
    {
        var ledger = await OpenWithDataAsync(schemaVersion: null);
        var query = Queries(ledger).Single(q => q.Name == name);

        var plan = await PlanAsync(query);

        var violations = Violations(query, plan);
        Assert.True(violations.Count == 0, $"{name}: {string.Join("; ", violations)}\nplan:\n{string.Join("\n", plan)}");
    }

    [Fact]
    public async Task PlanCheck_OnTheSchemaVersion3Indexes_FlagsTheAuditsPerClientReadOfFindings()
    {
        var ledger = await OpenWithDataAsync(schemaVersion: 3);
        var query = Queries(ledger).Single(q => q.Name == "published-findings");

        var plan = await PlanAsync(query);

        Assert.NotEmpty(Violations(query, plan));
    }

    /// <summary>What is wrong with <paramref name="plan"/> (the <c>detail</c> column of each row) for <paramref name="query"/>.</summary>
    internal static List<string> Violations(HotQuery query, IReadOnlyList<string> plan)
    {
        var violations = new List<string>();
        foreach (var step in plan)
        {
            // "SCAN t" reads the whole table, "SCAN t USING INDEX i" the whole index. A batched statement's own rows
            // (a JSON array parameter unpacked by json_each) are read in full by design: they are the input, not a table.
            if (step.StartsWith("SCAN ", StringComparison.Ordinal) && !step.StartsWith("SCAN json_each VIRTUAL TABLE", StringComparison.Ordinal))
            {
                violations.Add($"full scan ({step})");
            }

            if (step.Contains("TEMP B-TREE", StringComparison.Ordinal))
            {
                violations.Add($"sort ({step})");
            }
        }

        var search = plan.FirstOrDefault(step => step.StartsWith($"SEARCH {query.Table} ", StringComparison.Ordinal));
        if (search is null)
        {
            violations.Add($"no index search of {query.Table}");
            return violations;
        }

        foreach (var column in query.EqualityColumns)
        {
            if (!Regex.IsMatch(search, $@"[( ]{column}=\?"))
            {
                violations.Add($"the index search does not use {column} ({search})");
            }
        }

        return violations;
    }

    private static IReadOnlyList<HotQuery> Queries(SqlLedger ledger) => HotQueries.All(
        ledger.Statements,
        ledger.Dialect.Id,
        new { deployment = HotQueries.Deployment, rows = """[["grant-00042-3","stale-grant"],["grant-00042-4","stale-grant"]]""" },
        SqliteDialect.DeletePublishedFindings);

    private async Task<List<string>> PlanAsync(HotQuery query)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        var rows = await connection.QueryAsync("EXPLAIN QUERY PLAN " + query.Sql, query.Parameters);
        return rows.Select(static row => (string)((IDictionary<string, object>)row)["detail"]).ToList();
    }

    /// <summary>A ledger at <paramref name="schemaVersion"/> (null: the latest) holding 2,000 clients' findings (20,000) and some commands, rotations and job runs.</summary>
    private async Task<SqlLedger> OpenWithDataAsync(int? schemaVersion)
    {
        var time = TimeProvider.System;
        var ledger = SqlLedger.ForSqlite(DatabasePath, new SecretProtector(RandomNumberGenerator.GetBytes(32)), time, TimeSpan.FromSeconds(30));
        await ledger.InitializeAsync(schemaVersion ?? ledger.LatestSchemaVersion, CancellationToken.None);
        var now = time.GetUtcNow();
        foreach (var clients in Enumerable.Range(0, 2000).Chunk(250))
        {
            await ledger.RecordPublishedFindingsAsync(
                [.. clients.SelectMany(client => Enumerable.Range(0, 10).Select(g =>
                    new PublishedFinding(HotQueries.Deployment, $"client-{client:D5}", $"grant-{client:D5}-{g}", "stale-grant", "sha256:x", now)))],
                CancellationToken.None);
        }

        for (var i = 0; i < 40; i++)
        {
            var oauthClient = $"client-{i % 10:D5}";
            var start = new CommandStart(Guid.NewGuid(), SqlLedger.RotateSecretKind, HotQueries.Deployment, "billing", oauthClient, "schedule", null, null);
            await ledger.BeginAsync(start, CancellationToken.None);
            await ledger.CompleteRotationAsync(
                start.CommandId,
                new RotationRecord(start.CommandId, HotQueries.Deployment, "billing", oauthClient, "oc_x", now.AddMinutes(i), "schedule", null, null, "file", "key", "0123456789ab"),
                new RecordedOutcome(true, "SecretRotated", "{}", false),
                CancellationToken.None);
            await ledger.RecordJobRunAsync(
                new JobRunRecord(Guid.NewGuid(), i % 2 == 0 ? JobNames.GrantAudit : JobNames.RotationSweep, "schedule", false, null, now.AddMinutes(i), now.AddMinutes(i + 1), "worker-a", true, "{}"),
                CancellationToken.None);
        }

        if ((schemaVersion ?? ledger.LatestSchemaVersion) >= LedgerMigrations.SigningKeysVersion)
        {
            for (var i = 0; i < 40; i++)
            {
                var app = $"app-{i % 10:D5}";
                var start = new CommandStart(Guid.NewGuid(), "rotate-signing-key", HotQueries.Deployment, app, null, "schedule", null, null);
                await ledger.BeginAsync(start, CancellationToken.None);
                await ledger.CompleteSigningKeyChangeAsync(
                    start.CommandId,
                    new SigningKeyChange(start.CommandId, HotQueries.Deployment, app, SigningKeyChange.Rotate, $"oas-{i}", null, $"oas-{i}", now.AddMinutes(i), "schedule", null, null),
                    new RecordedOutcome(true, "SigningKeyRotated", "{}", false),
                    CancellationToken.None);
                await ledger.RecordSigningKeySightingAsync(HotQueries.Deployment, app, $"oas-{i}", now.AddMinutes(i), CancellationToken.None);
            }
        }

        return ledger;
    }
}
