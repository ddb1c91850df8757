using System.Collections.Concurrent;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.Tests.Support;

/// <summary>
/// An <see cref="IJobLedger"/> in memory, for tests of the scheduled jobs until (and besides) the real SQLite and
/// PostgreSQL ledgers: same semantics (first run record wins, one due warning per client and day, published findings
/// keyed by deployment, grant and kind), plus counters so a test can check how the job used it.
/// </summary>
public sealed class InMemoryJobLedger : IJobLedger
{
    private readonly ConcurrentDictionary<Guid, JobRunRecord> _runs = new();
    private readonly ConcurrentDictionary<(string Deployment, string Client, DateOnly Day), bool> _warnings = new();
    // Per client (the unit the audit reads and writes), then by grant and kind.
    private readonly ConcurrentDictionary<(string Deployment, string Client), ConcurrentDictionary<(string Grant, string Kind), PublishedFinding>> _findings = new();
    private int _findingReads;
    private int _findingWrites;

    /// <summary>Calls of <see cref="ListPublishedFindingsAsync"/>.</summary>
    public int FindingReads => Volatile.Read(ref _findingReads);

    /// <summary>Calls of <see cref="RecordPublishedFindingsAsync"/>.</summary>
    public int FindingWrites => Volatile.Read(ref _findingWrites);

    /// <summary>Every recorded run, in no particular order.</summary>
    public IReadOnlyList<JobRunRecord> Runs => [.. _runs.Values];

    /// <summary>Every recorded published finding.</summary>
    public IReadOnlyList<PublishedFinding> PublishedFindings => [.. _findings.Values.SelectMany(static c => c.Values)];

    public Task RecordJobRunAsync(JobRunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        _runs.TryAdd(run.RunId, run);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<JobRunRecord>> ListJobRunsAsync(string job, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<JobRunRecord>>(
            [.. _runs.Values.Where(r => r.Job == job).OrderByDescending(static r => r.StartedAt).Take(limit)]);

    public Task<bool> TryRecordDueWarningAsync(string deploymentId, string oauthClientId, DateOnly day, CancellationToken cancellationToken) =>
        Task.FromResult(_warnings.TryAdd((deploymentId, oauthClientId, day), true));

    public Task<IReadOnlyList<PublishedFinding>> ListPublishedFindingsAsync(
        string deploymentId, string oauthClientId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _findingReads);
        return Task.FromResult<IReadOnlyList<PublishedFinding>>(
            _findings.TryGetValue((deploymentId, oauthClientId), out var client) ? [.. client.Values] : []);
    }

    public Task RecordPublishedFindingsAsync(IReadOnlyList<PublishedFinding> findings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(findings);
        Interlocked.Increment(ref _findingWrites);
        foreach (var finding in findings)
        {
            _findings.GetOrAdd((finding.DeploymentId, finding.OAuthClientId), static _ => new())[(finding.GrantId, finding.Kind)] = finding;
        }

        return Task.CompletedTask;
    }
}
