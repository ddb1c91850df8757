using System.Text.Json;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;
using Wacht.Worker.Rotation;
using Wacht.Worker.Rotation.Validity;
using Wacht.Worker.Tests.Sweep;

namespace Wacht.Worker.Tests.Rotation.Validity;

/// <summary>
/// The sweep's validity check of delivered secrets, end to end on the harness against the emulator loaded with the demo
/// seed (see <see cref="RotationSweepTests"/> for what it holds). A first sweep rotates and delivers the four due
/// clients (analytics-dashboard, etl-pipeline, finance-backoffice, staging-load-test); the other two active clients with
/// a secret (billing-web, staging-dashboard) have nothing delivered.
/// </summary>
public sealed class DeliveredSecretCheckTests
{
    private const string AnalyticsDashboard = "7283910238471500007";
    private const string AnalyticsDashboardClientId = "oc_-RTbSlOjOaGgSxpoWD-LySCJp_SR2mdk";
    private const string BillingWeb = "7283910238471500021";
    private const string StagingLoadTest = "7283910238472500006";
    private const string Introspect = "oauthIntrospect";

    private static readonly string[] Delivered = [AnalyticsDashboard, "7283910238471500012", "7283910238471500025", StagingLoadTest];

    private static Action<Dictionary<string, string?>> Settings(string share = "1", bool rotateOnRejected = false, Action<Dictionary<string, string?>>? more = null) => s =>
    {
        s["Worker:RotationSweep:Validity:Share"] = share;
        s["Worker:RotationSweep:Validity:RotateOnRejected"] = rotateOnRejected ? "true" : "false";
        more?.Invoke(s);
    };

    /// <summary>The first sweep: rotates and delivers the four due clients, and checks none of them (their rotations verify).</summary>
    private static async Task<SweepReport> DeliverAsync(DemoSeedWorld world)
    {
        var report = await world.RunAsync();
        await world.WaitForRotationsAsync([.. world.SentRotations().Select(static c => c.CommandId)]);
        world.Clock.Advance(TimeSpan.FromMinutes(5));
        return report;
    }

    private static string DestinationSecret(DemoSeedWorld world, string deploymentId = DemoSeedWorld.Production, string app = "analytics-api", string clientId = AnalyticsDashboardClientId) =>
        world.SecretAtDestination(deploymentId, app, clientId) ?? throw new InvalidOperationException($"nothing delivered for {clientId}");

    private static IReadOnlyList<DeliveredSecretRejected> Findings(DemoSeedWorld world) =>
        [.. world.Harness.Published.Select<DeliveredSecretRejected>().Select(static m => m.Context.Message)];

    private static string EverythingPublished(DemoSeedWorld world) =>
        string.Join('\n', world.Harness.Published.Select(_ => true).Select(static m => JsonSerializer.Serialize(m.MessageObject, m.MessageObject.GetType())));

    [Fact]
    public async Task FirstSweep_ChecksNothingItRotates_AndSaysWhyEachClientWasNotChecked()
    {
        await using var world = await DemoSeedWorld.StartAsync(configure: Settings());

        var report = await DeliverAsync(world);

        var checks = report.Summary.SecretChecks!;
        Assert.Equal((1.0, 1, 0), (checks.Share, checks.Cycle, checks.Slot));
        Assert.Equal((0, 0, 0, 0), (checks.Accepted, checks.Rejected, checks.Unknown, checks.RotationsRequested));
        Assert.Equal(
            new Dictionary<string, int>
            {
                [SweepSkipReasons.AppInactive] = 2,
                [SweepSkipReasons.Inactive] = 2,
                [SecretCheckSkipReasons.NothingDelivered] = 2,
                [SweepSkipReasons.NoSecret] = 5,
                [SecretCheckSkipReasons.RotationSent] = 4,
            },
            checks.Skipped);
        Assert.Equal(report.Summary.ClientsSeen, checks.Skipped.Values.Sum());
        Assert.Equal(
            [(BillingWeb, "skipped", true), (StagingLoadTest, "skipped", false)],
            report.SecretChecks.Where(static i => i.OAuthClientId is BillingWeb or StagingLoadTest)
                .Select(static i => (i.OAuthClientId, i.Result, i.Detail!.StartsWith(SecretCheckSkipReasons.NothingDelivered, StringComparison.Ordinal))));
        Assert.Equal(0, world.Emulator.Calls.Count(Introspect) - Delivered.Length); // only the rotations' own verifications
        Assert.Empty(Findings(world));
    }

    [Fact]
    public async Task ADashboardRotation_IsReportedAsDeliveredSecretRejected_AndRotateOnRejectedRestoresASecretWachtAccepts()
    {
        await using var world = await DemoSeedWorld.StartAsync(configure: Settings(rotateOnRejected: true));
        await DeliverAsync(world);

        // Accepted secrets: no finding, nothing sent.
        var healthy = await world.RunAsync();
        Assert.Equal((4, 0, 0, 0), (healthy.Summary.SecretChecks!.Accepted, healthy.Summary.SecretChecks.Rejected, healthy.Summary.SecretChecks.Unknown, healthy.Summary.SecretChecks.RotationsRequested));
        Assert.Equal(Delivered.Order(), healthy.SecretChecks.Where(static i => i.Result == SecretCheckResults.Accepted).Select(static i => i.OAuthClientId).Order());
        Assert.Empty(Findings(world));
        Assert.Equal(4, world.SentRotations().Count);

        // Someone rotates analytics-dashboard from the dashboard: the delivered secret is dead.
        var delivered = DestinationSecret(world);
        var fromDashboard = await world.Wacht(DemoSeedWorld.Production).RotateOAuthClientSecretAsync("analytics-api", AnalyticsDashboard);
        Assert.False(world.Emulator.IsCurrentSecret(AnalyticsDashboardClientId, delivered));

        var found = await world.RunAsync();

        var checks = found.Summary.SecretChecks!;
        Assert.Equal((3, 1, 0, 1), (checks.Accepted, checks.Rejected, checks.Unknown, checks.RotationsRequested));
        var finding = Assert.Single(Findings(world));
        var fingerprint = new Client.ClientSecret(delivered).Fingerprint;
        var expectedCommand = DeliveredSecretPolicy.CommandId(DemoSeedWorld.Production, AnalyticsDashboard, fingerprint, RotationPolicy.WindowStart(world.Clock.GetUtcNow(), TimeSpan.FromDays(1)));
        Assert.Equal(found.Summary.RunId, finding.RunId);
        Assert.Equal((DemoSeedWorld.Production, "analytics-api", AnalyticsDashboard, AnalyticsDashboardClientId), (finding.DeploymentId, finding.AppSlug, finding.OAuthClientId, finding.ClientId));
        Assert.Equal(fingerprint, finding.SecretFingerprint);
        Assert.Equal($"{DemoSeedWorld.Production}/analytics-api/{AnalyticsDashboardClientId}.json", finding.DestinationKey);
        Assert.Equal(SecretCheckRemediations.RotateRequested, finding.Remediation);
        Assert.Equal(expectedCommand, finding.RotateCommandId);
        var item = Assert.Single(found.SecretChecks, static i => i.Result == SecretCheckResults.Rejected);
        Assert.Equal((AnalyticsDashboard, fingerprint, (Guid?)expectedCommand), (item.OAuthClientId, item.SecretFingerprint, item.RotateCommandId));

        var rotation = world.SentRotations()[^1];
        Assert.Equal((expectedCommand, AnalyticsDashboard, CommandTriggers.Schedule), (rotation.CommandId, rotation.OAuthClientId, rotation.Trigger));
        await world.WaitForRotationsAsync([expectedCommand]);
        var restored = DestinationSecret(world);
        Assert.True(world.Emulator.IsCurrentSecret(AnalyticsDashboardClientId, restored), "the rotation after the finding did not restore a working secret");

        // The next run in the same window finds every secret accepted again, and sends nothing.
        var after = await world.RunAsync();
        Assert.Equal((4, 0), (after.Summary.SecretChecks!.Accepted, after.Summary.SecretChecks.Rejected));
        Assert.Single(Findings(world));
        Assert.Equal(5, world.SentRotations().Count);

        // No secret in any log line (exceptions included) or any published message.
        var published = EverythingPublished(world);
        foreach (var secret in new[] { delivered, fromDashboard.ClientSecret.Reveal(), restored })
        {
            Assert.DoesNotContain(secret, world.Logs.AllText, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, published, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ByDefault_ARejectedSecretIsReportedOnly_AndADryRunPublishesNothing()
    {
        await using var world = await DemoSeedWorld.StartAsync(configure: Settings());
        await DeliverAsync(world);
        await world.Wacht(DemoSeedWorld.Production).RotateOAuthClientSecretAsync("analytics-api", AnalyticsDashboard);

        var dry = await world.RunAsync(dryRun: true);

        Assert.Equal((1, 0), (dry.Summary.SecretChecks!.Rejected, dry.Summary.SecretChecks.RotationsRequested));
        Assert.Equal(SecretCheckRemediations.Reported, Assert.Single(dry.SecretChecks, static i => i.Result == SecretCheckResults.Rejected).Detail);
        Assert.Empty(Findings(world));

        var real = await world.RunAsync();

        Assert.Equal((1, 0), (real.Summary.SecretChecks!.Rejected, real.Summary.SecretChecks.RotationsRequested));
        var finding = Assert.Single(Findings(world));
        Assert.Equal(SecretCheckRemediations.Reported, finding.Remediation);
        Assert.Null(finding.RotateCommandId);
        Assert.Equal(4, world.SentRotations().Count);
        Assert.Empty(real.Summary.Errors);
    }

    [Fact]
    public async Task DryRun_WithRotateOnRejected_ChecksButSendsNoRotation()
    {
        await using var world = await DemoSeedWorld.StartAsync(configure: Settings(rotateOnRejected: true));
        await DeliverAsync(world);
        await world.Wacht(DemoSeedWorld.Production).RotateOAuthClientSecretAsync("analytics-api", AnalyticsDashboard);

        var dry = await world.RunAsync(dryRun: true);

        Assert.Equal((1, 1), (dry.Summary.SecretChecks!.Rejected, dry.Summary.SecretChecks.RotationsRequested));
        var item = Assert.Single(dry.SecretChecks, static i => i.Result == SecretCheckResults.Rejected);
        Assert.Equal(SecretCheckRemediations.WouldRotate, item.Detail);
        Assert.NotNull(item.RotateCommandId);
        Assert.Equal(4, world.SentRotations().Count);
        Assert.Empty(Findings(world));
    }

    [Fact]
    public async Task ATransientIntrospectionAnswer_IsUnknown_NeverRejected()
    {
        await using var world = await DemoSeedWorld.StartAsync(configure: Settings(rotateOnRejected: true));
        await DeliverAsync(world);
        var delivered = DestinationSecret(world);
        // The real answer would be "rejected" for analytics-dashboard: Wacht cannot give it.
        await world.Wacht(DemoSeedWorld.Production).RotateOAuthClientSecretAsync("analytics-api", AnalyticsDashboard);
        world.Emulator.Faults.Add(new FaultRule { Operation = Introspect, ErrorStatus = 503 });

        var report = await world.RunAsync();

        var checks = report.Summary.SecretChecks!;
        Assert.Equal((0, 0, 4, 0), (checks.Accepted, checks.Rejected, checks.Unknown, checks.RotationsRequested));
        Assert.All(report.SecretChecks.Where(static i => i.Result != SecretCheckResults.Skipped), static i => Assert.Equal(SecretCheckResults.Unknown, i.Result));
        Assert.Empty(Findings(world));
        Assert.Equal(4, world.SentRotations().Count);
        Assert.Empty(report.Summary.Errors); // transient: not an error of the run
        Assert.DoesNotContain(delivered, world.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Share_ChecksEachDeliveredSecretExactlyOnceInACycleOfRuns()
    {
        await using var world = await DemoSeedWorld.StartAsync(configure: Settings(share: "0.25"));
        await DeliverAsync(world);

        var checkedIn = new List<(int Run, string Client)>();
        var eligible = new List<string>();
        for (var day = 1; day <= 4; day++)
        {
            var report = await world.RunAsync(scheduledFireAt: DemoSeedWorld.Now.AddDays(day));
            var checks = report.Summary.SecretChecks!;
            Assert.Equal((0.25, 4), (checks.Share, checks.Cycle));
            Assert.Equal(report.Summary.ClientsSeen, checks.Accepted + checks.Skipped.Values.Sum());
            checkedIn.AddRange(report.SecretChecks.Where(static i => i.Result == SecretCheckResults.Accepted).Select(i => (day, i.OAuthClientId)));
            eligible.AddRange(report.SecretChecks.Select(static i => i.OAuthClientId));
            Assert.Equal(6 - report.SecretChecks.Count, checks.Skipped[SecretCheckSkipReasons.NotInShare]);
        }

        Assert.Equal(Delivered.Order(), checkedIn.Select(static c => c.Client).Order());
        Assert.Equal(6, eligible.Distinct().Count());
        Assert.Equal(6, eligible.Count);
        Assert.True(checkedIn.Select(static c => c.Run).Distinct().Count() > 1, "a share of 0.25 checked every delivered secret in one run");
    }

    [Fact]
    public async Task RateLimit_LeavesTheRestForALaterRun_AsRateLimited()
    {
        // Two checks per minute: two permits at once, the third only after 30 s, past the run's 3 s budget.
        await using var world = await DemoSeedWorld.StartAsync(configure: Settings(more: static s =>
        {
            s["Worker:RotationSweep:Validity:MaxChecksPerMinute"] = "2";
            s["Worker:RotationSweep:Validity:MaxDuration"] = "00:00:03";
        }));
        await DeliverAsync(world);
        var before = world.Emulator.Calls.Count(Introspect);

        var report = await world.RunAsync();

        // Once the budget is spent, every client left in the run's order is rate_limited (not even read), so the two
        // delivered secrets that were not checked are, and perhaps a client with nothing delivered too.
        var checks = report.Summary.SecretChecks!;
        Assert.Equal(2, checks.Accepted);
        var notChecked = report.SecretChecks.Where(static i => Delivered.Contains(i.OAuthClientId) && i.Result != SecretCheckResults.Accepted).ToList();
        Assert.Equal(2, notChecked.Count);
        Assert.All(notChecked, static i => Assert.Equal(SecretCheckSkipReasons.RateLimited, i.Detail));
        Assert.Equal(4, checks.Skipped[SecretCheckSkipReasons.RateLimited] + checks.Skipped.GetValueOrDefault(SecretCheckSkipReasons.NothingDelivered));
        Assert.Equal(2, world.Emulator.Calls.Count(Introspect) - before);
        Assert.Empty(report.Summary.Errors);
    }

    [Fact]
    public async Task ARotationInFlight_AndAnUnreadableDestination_AreSkippedWithTheirReason()
    {
        await using var world = await DemoSeedWorld.StartAsync(configure: Settings());
        await DeliverAsync(world);

        // A rotate call of analytics-dashboard whose answer is not in yet (it may still land).
        var ledger = world.Services.GetRequiredService<ICommandLedger>();
        var inFlight = Guid.NewGuid();
        await ledger.BeginAsync(new CommandStart(inFlight, RotateSecretHandler.CommandKind, DemoSeedWorld.Production, "analytics-api", AnalyticsDashboard, CommandTriggers.Command, "test", null), CancellationToken.None);
        await ledger.MarkRotatingAsync(inFlight, DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);

        // The staging app's secrets directory is replaced by a file: its destination cannot be read.
        var directory = Path.Combine(world.SecretsDirectory, DemoSeedWorld.Staging, "analytics-api");
        Directory.Move(directory, directory + ".moved");
        await File.WriteAllTextAsync(directory, "not a directory");

        var report = await world.RunAsync();

        var checks = report.Summary.SecretChecks!;
        Assert.Equal(2, checks.Accepted);
        Assert.Equal(1, checks.Skipped[SecretCheckSkipReasons.RotationInFlight]);
        Assert.Equal(2, checks.Skipped[SecretCheckSkipReasons.DestinationUnreadable]); // staging-load-test and staging-dashboard
        Assert.Equal(1, checks.Skipped[SecretCheckSkipReasons.NothingDelivered]);
        var unreadable = Assert.Single(report.SecretChecks, static i => i.OAuthClientId == StagingLoadTest);
        Assert.StartsWith(SecretCheckSkipReasons.DestinationUnreadable + ": ", unreadable.Detail, StringComparison.Ordinal);
        Assert.Empty(Findings(world));
    }

    [Fact]
    public async Task Disabled_ChecksNothing_AndTheSummarySaysSo()
    {
        await using var world = await DemoSeedWorld.StartAsync(configure: Settings(more: static s => s["Worker:RotationSweep:Validity:Enabled"] = "false"));
        await DeliverAsync(world);
        var before = world.Emulator.Calls.Count(Introspect);

        var report = await world.RunAsync();

        Assert.Null(report.Summary.SecretChecks);
        Assert.Empty(report.SecretChecks);
        Assert.Equal(before, world.Emulator.Calls.Count(Introspect));
    }
}
