using System.Threading.Channels;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.Grants;

/// <summary>
/// Writes one audit run's de-duplication records (published findings to record, resolved ones to forget) in batches,
/// on one writer: every ledger write is a durable commit, and one per client (thousands per run, each waiting for the
/// single SQLite writer and its fsync) cost more than the walk itself. The visits hand their rows over and go on; the
/// queue is bounded (<see cref="Capacity"/> clients' rows), so memory stays bounded and a slow ledger slows the walk down instead
/// of piling rows up.
/// </summary>
/// <remarks>
/// Rows are handed over only after their findings were published, so a crash before a batch commits publishes those
/// findings again on the next run: at-least-once, as before. A batch that fails is reported once per client it held
/// (in <see cref="GrantAuditCompleted.Errors"/>); the walk goes on.
/// </remarks>
internal sealed class PublishedFindingRecorder
{
    /// <summary>Clients whose rows wait to be written, at most; a visit waits while the queue is full.</summary>
    internal const int Capacity = 256;

    /// <summary>Rows in one transaction, at most.</summary>
    internal const int BatchSize = 1000;

    private readonly IJobLedger _ledger;
    private readonly Channel<Work> _queue;
    private readonly Action<JobError> _error;
    private readonly Task _writer;

    public PublishedFindingRecorder(IJobLedger ledger, Action<JobError> error, CancellationToken cancellationToken)
    {
        _ledger = ledger;
        _error = error;
        _queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _writer = Task.Run(() => WriteAsync(cancellationToken), CancellationToken.None);
    }

    /// <summary>Hands over one client's rows: findings published now, and findings that no longer hold.</summary>
    public ValueTask AddAsync(
        ClientVisitKey client, IReadOnlyList<PublishedFinding> record, IReadOnlyList<(string GrantId, string Kind)> forget, CancellationToken cancellationToken) =>
        record.Count == 0 && forget.Count == 0
            ? ValueTask.CompletedTask
            : _queue.Writer.WriteAsync(new Work(client, record, forget), cancellationToken);

    /// <summary>Writes what is left and waits for it; after this the run's records are durable (or reported as errors).</summary>
    public Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        return _writer;
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        var batch = new List<Work>();
        while (await _queue.Reader.WaitToReadAsync(cancellationToken))
        {
            var rows = 0;
            while (rows < BatchSize && _queue.Reader.TryRead(out var work))
            {
                batch.Add(work);
                rows += work.Record.Count + work.Forget.Count;
            }

            await FlushAsync(batch, cancellationToken);
            batch.Clear();
        }
    }

    private async Task FlushAsync(List<Work> batch, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var deployment in batch.Where(static w => w.Forget.Count > 0).GroupBy(static w => w.Client.DeploymentId, StringComparer.Ordinal))
            {
                await _ledger.ForgetPublishedFindingsAsync(deployment.Key, [.. deployment.SelectMany(static w => w.Forget)], cancellationToken);
            }

            var record = batch.SelectMany(static w => w.Record).ToList();
            if (record.Count > 0)
            {
                await _ledger.RecordPublishedFindingsAsync(record, cancellationToken);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var failure = CommandFailure.From(e);
            foreach (var work in batch)
            {
                _error(new JobError(work.Client.DeploymentId, work.Client.AppSlug, work.Client.OAuthClientId, failure.Code,
                    $"The ledger could not record which findings were published: {failure.Message}"));
            }
        }
    }

    private sealed record Work(ClientVisitKey Client, IReadOnlyList<PublishedFinding> Record, IReadOnlyList<(string GrantId, string Kind)> Forget);
}

/// <summary>Which client (or, for its signing keys, which app: no client) a row of the audit belongs to (for error reports).</summary>
internal sealed record ClientVisitKey(string DeploymentId, string AppSlug, string? OAuthClientId);
