using MassTransit.Testing;
using Microsoft.Extensions.Logging;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.Grants;
using Wacht.Worker.Ledger;
using Wacht.Worker.Tests.Support;

namespace Wacht.Worker.Tests.Grants;

/// <summary>
/// The grant audit in a <see cref="SeededWorld"/> (any seed: the demo seed or a generated one), its clock the world's
/// fake clock.
/// </summary>
public sealed class AuditWorld : SeededWorld
{
    private AuditWorld(SeededWorld world)
        : base(world) => Audit = Create<GrantAudit>();

    public GrantAudit Audit { get; }

    /// <summary>Starts the emulator from <paramref name="seed"/> and a worker configured for every deployment of it, with the consumers.</summary>
    public static async Task<AuditWorld> StartAsync(
        EmulatorSeed seed,
        Action<Dictionary<string, string?>>? configure = null,
        int maxConcurrentRequests = 8,
        LogLevel minimumLogLevel = LogLevel.Debug) =>
        new(await StartAsync(seed, consumers: true, unreachable: false, configure, maxConcurrentRequests, minimumLogLevel));

    /// <summary>The audit runs the ledger recorded, newest first.</summary>
    public Task<IReadOnlyList<JobRunRecord>> RunsAsync() => JobLedger.ListJobRunsAsync(JobNames.GrantAudit, 100, CancellationToken.None);

    /// <summary>Every published finding the ledger holds, over every client of the seed.</summary>
    public async Task<IReadOnlyList<PublishedFinding>> PublishedFindingRecordsAsync()
    {
        var all = new List<PublishedFinding>();
        foreach (var deployment in Seed.Deployments)
        {
            foreach (var client in deployment.Apps.SelectMany(static a => a.Clients))
            {
                all.AddRange(await JobLedger.ListPublishedFindingsAsync(deployment.Id!, client.Id!, CancellationToken.None));
            }
        }

        return all;
    }

    /// <summary>The findings the harness saw published (the harness lists each message id once).</summary>
    public IReadOnlyList<GrantAuditFinding> PublishedFindings() =>
        [.. Harness.Published.Select(static _ => true).Select(static m => m.MessageObject).OfType<GrantAuditFinding>()];

    /// <summary>The RevokeGrant commands the harness saw sent.</summary>
    public IReadOnlyList<RevokeGrant> SentRevocations() =>
        [.. Harness.Sent.Select(static _ => true).Select(static m => m.MessageObject).OfType<RevokeGrant>()];
}
