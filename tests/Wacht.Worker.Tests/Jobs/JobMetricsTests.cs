using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Jobs;
using Wacht.Worker.Tests.Grants;
using Wacht.Worker.Tests.Support;
using Wacht.Worker.Tests.Sweep;

namespace Wacht.Worker.Tests.Jobs;

public sealed class JobMetricsTests
{
    [Fact]
    public async Task AuditRun_IsCounted_WithItsFindingsByKind_AndTheRevocationsItSent()
    {
        await using var w = await AuditWorld.StartAsync(
            AuditWorld.DemoSeed(), s => s["Worker:GrantAudit:Remediation:ExpiredButActive"] = "Revoke");
        var meters = w.Services.GetRequiredService<IMeterFactory>();
        using var runs = new MetricCollector<long>(meters, CommandMetrics.MeterName, "wacht_worker.job.runs");
        using var findings = new MetricCollector<long>(meters, CommandMetrics.MeterName, "wacht_worker.audit.findings");
        using var sent = new MetricCollector<long>(meters, CommandMetrics.MeterName, "wacht_worker.job.commands_sent");

        await w.Audit.RunAsync(new JobRunRequest(JobTriggers.Manual), CancellationToken.None);

        var run = Assert.Single(runs.GetMeasurementSnapshot());
        Assert.Equal(("grant-audit", "manual", "completed"), (Tag(run.Tags, "job"), Tag(run.Tags, "trigger"), Tag(run.Tags, "outcome")));
        var byKind = findings.GetMeasurementSnapshot().ToDictionary(m => Tag(m.Tags, "kind")!, m => m.Value);
        Assert.Equal(8, byKind[FindingKinds.ExpiredButActive]);
        // 17 grant findings and the demo seed's 4 never-rotated secrets (GrantAuditDemoSeedTests).
        Assert.Equal(4, byKind[FindingKinds.SecretNeverRotated]);
        Assert.Equal(21, byKind.Values.Sum());
        Assert.Equal(8, Assert.Single(sent.GetMeasurementSnapshot()).Value);
    }

    [Fact]
    public async Task SweepRun_CountsTheRotationsItSent_AndADryRunSendsNone()
    {
        await using var world = await DemoSeedWorld.StartAsync(consumers: false);
        var meters = world.Services.GetRequiredService<IMeterFactory>();
        using var runs = new MetricCollector<long>(meters, CommandMetrics.MeterName, "wacht_worker.job.runs");
        using var sent = new MetricCollector<long>(meters, CommandMetrics.MeterName, "wacht_worker.job.commands_sent");

        await world.RunAsync(dryRun: true);
        await world.RunAsync();

        Assert.Equal(2, runs.GetMeasurementSnapshot().Count);
        var rotations = Assert.Single(sent.GetMeasurementSnapshot());
        Assert.Equal(("rotation-sweep", 4L), (Tag(rotations.Tags, "job"), rotations.Value));
    }

    [Fact]
    public async Task Sweep_MeasuresTheOldestSecretPerDeployment_CountingTheClientsItRotatedAsNew()
    {
        await using var world = await DemoSeedWorld.StartAsync(consumers: false);
        var meters = world.Services.GetRequiredService<IMeterFactory>();
        using var gauge = new MetricCollector<double>(meters, CommandMetrics.MeterName, "wacht_worker.secret.oldest_age");

        // The oracle: every active client of an active app that has a secret, aged from its created_at (no rotation yet).
        var ages = new List<(string Deployment, string ClientId, TimeSpan Age)>();
        foreach (var deployment in (string[])[SeededWorld.Production, SeededWorld.Staging])
        {
            var wacht = world.Wacht(deployment);
            foreach (var app in (await wacht.ListOAuthAppsAsync()).Where(a => a.IsActive))
            {
                ages.AddRange((await wacht.ListOAuthClientsAsync(app.Slug))
                    .Where(c => c.IsActive && Wacht.Client.ClientAuthMethods.UsesSecret(c.ClientAuthMethod))
                    .Select(c => (deployment, c.Id, SeededWorld.Now - c.CreatedAt)));
            }
        }

        await world.RunAsync(dryRun: true);
        gauge.RecordObservableInstruments();
        var dry = Oldest(gauge);

        await world.RunAsync();
        gauge.RecordObservableInstruments();
        var real = Oldest(gauge);

        var rotated = world.SentRotations().Select(r => r.OAuthClientId).ToHashSet();
        Assert.NotEmpty(rotated);
        foreach (var deployment in (string[])[SeededWorld.Production, SeededWorld.Staging])
        {
            Assert.Equal(ages.Where(a => a.Deployment == deployment).Max(a => a.Age).TotalSeconds, dry[deployment], 3);
            var kept = ages.Where(a => a.Deployment == deployment && !rotated.Contains(a.ClientId)).Select(a => a.Age.TotalSeconds).DefaultIfEmpty(0).Max();
            Assert.Equal(kept, real[deployment], 3);
        }
    }

    private static Dictionary<string, double> Oldest(MetricCollector<double> gauge) =>
        gauge.GetMeasurementSnapshot().GroupBy(m => Tag(m.Tags, "deployment")!).ToDictionary(g => g.Key, g => g.Last().Value);

    private static string? Tag(IReadOnlyDictionary<string, object?> tags, string name) => tags.TryGetValue(name, out var value) ? value as string : null;
}
