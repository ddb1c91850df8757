using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Logging;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.Grants;
using Wacht.Worker.Jobs;

namespace Wacht.Worker.Tests.Grants;

/// <summary>
/// Issue 13 (streaming audit): findings flow from the walk to the sink without being held, so the audit's memory is
/// bounded by its concurrency, not by the world.
/// </summary>
public sealed class GrantAuditStreamingTests
{
    private const int Parallelism = 8;
    private const int GrantsPerClient = 20;

    [Fact]
    public async Task FindingsDeliveredToTheSink_AreNotKeptByTheAudit_HowEverLargeTheWorld()
    {
        var seed = SeedGenerator.Generate(new SeedGeneratorOptions
        {
            Deployments = 1,
            AppsPerDeployment = 4,
            ClientsPerApp = 250,
            GrantsPerClient = GrantsPerClient,
            ExpiredGrantShare = 0.3,
            InactiveClientShare = 0.1,
            RandomSeed = 1301,
            Now = AuditWorld.Now,
        });
        await using var world = await AuditWorld.StartAsync(
            seed,
            s => s["Worker:GrantAudit:MaxParallelism"] = Parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture),
            maxConcurrentRequests: Parallelism,
            minimumLogLevel: LogLevel.Information);
        // A bus that keeps nothing (the test harness keeps every message it sees, which is not what is measured here).
        var audit = world.Create<GrantAudit>(DispatchProxy.Create<IBus, ForgetfulBus>());
        var probe = new RetentionProbe();

        var report = await audit.RunAsync(new JobRunRequest(JobTriggers.Manual), probe, CancellationToken.None);

        var summary = report.Summary;
        Assert.Empty(summary.Errors);
        Assert.Equal(20_000, summary.Grants);
        var findings = summary.FindingsByKind.Values.Sum();
        Assert.True(findings > 5_000, $"the world should have thousands of findings; it has {findings}");
        Assert.Equal(findings, probe.Delivered);
        Assert.Equal(findings, summary.FindingsPublished);
        Assert.Empty(report.Findings);

        // Findings the sink let go are gone at every check, but for the batch in hand (one client's findings, at most
        // every kind of each of its grants).
        Assert.True(probe.Checks >= 20, $"only {probe.Checks} checks");
        Assert.True(
            probe.MaxRetained <= GrantsPerClient * FindingKinds.All.Count,
            $"{probe.MaxRetained} findings the sink had let go were still reachable (of {findings} in the run)");
    }

    /// <summary>Tracks every finding it receives through a weak reference and, every few batches, counts the ones still reachable.</summary>
    private sealed class RetentionProbe : IGrantAuditSink
    {
        private readonly List<WeakReference> _seen = [];
        private int _batches;

        public int Delivered { get; private set; }

        public int Checks { get; private set; }

        public int MaxRetained { get; private set; }

        public ValueTask WriteAsync(IReadOnlyList<GrantAuditFinding> findings, CancellationToken cancellationToken) =>
            Track(findings);

        public ValueTask WriteCredentialsAsync(IReadOnlyList<CredentialAuditFinding> findings, CancellationToken cancellationToken) =>
            Track(findings);

        private ValueTask Track(IReadOnlyCollection<object> findings)
        {
            Delivered += findings.Count;
            if (++_batches % 25 == 0)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                _seen.RemoveAll(static r => !r.IsAlive);
                MaxRetained = Math.Max(MaxRetained, _seen.Count);
                Checks++;
            }

            _seen.AddRange(findings.Select(static f => new WeakReference(f)));
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>An <see cref="IBus"/> whose publishes and sends complete at once and keep nothing.</summary>
    public class ForgetfulBus : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.ReturnType == typeof(Task)
                ? Task.CompletedTask
                : throw new NotSupportedException($"The test bus does not do {targetMethod?.Name}.");
    }
}
