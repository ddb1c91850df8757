using System.Collections.Concurrent;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.Tests.Support;

/// <summary>
/// A test double of <see cref="IJobLedger"/> that keeps everything in memory, with the interface's semantics: a run is
/// recorded once per run id, and a client is warned once per UTC day. Stands in until the SQLite/PostgreSQL ledgers
/// implement the interface.
/// </summary>
public sealed class InMemoryJobLedger : IJobLedger
{
    private readonly ConcurrentDictionary<Guid, JobRunRecord> _runs = new();
    private readonly ConcurrentDictionary<(string Deployment, string Client, DateOnly Day), bool> _warnings = new();
    private readonly ConcurrentDictionary<(string Deployment, string Client, string Grant, string Kind), PublishedFinding> _findings = new();

    public IReadOnlyList<JobRunRecord> Runs => [.. _runs.Values.OrderBy(static r => r.StartedAt)];

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

    public Task<IReadOnlyList<PublishedFinding>> ListPublishedFindingsAsync(string deploymentId, string oauthClientId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PublishedFinding>>(
            [.. _findings.Where(p => p.Key.Deployment == deploymentId && p.Key.Client == oauthClientId).Select(static p => p.Value)]);

    public Task RecordPublishedFindingsAsync(IReadOnlyList<PublishedFinding> findings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(findings);
        foreach (var finding in findings)
        {
            _findings[(finding.DeploymentId, finding.OAuthClientId, finding.GrantId, finding.Kind)] = finding;
        }

        return Task.CompletedTask;
    }
}
