using MassTransit.Testing;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;
using Wacht.Worker.Rotation;

namespace Wacht.Worker.Tests.Sweep;

/// <summary>
/// The sweep end to end on the harness, against the emulator loaded with deploy/emulator/demo-seed.json and the sweep's
/// clock pinned to 2026-11-27T12:00Z. What the seed holds at that instant (maximum age 90 days, warning window 14 days):
/// <list type="bullet">
/// <item>due (age from created_at): production analytics-dashboard (created 2025-06-10, 535 days), finance-backoffice
/// (2025-08-20, 464 days), etl-pipeline (2026-01-15, 316 days); staging staging-load-test (2026-05-01, 210 days);</item>
/// <item>not due: billing-web (2026-11-01, 26 days), staging-dashboard (2026-11-20, 7 days);</item>
/// <item>no secret: analytics-mobile, billing-cli, support-console (none), warehouse-sync, staging-warehouse-sync (private_key_jwt);</item>
/// <item>inactive: report-exporter-v1, staging-qa-bot; app inactive: the two clients of legacy-partner-integration.</item>
/// </list>
/// </summary>
public sealed class RotationSweepTests
{
    private const string AnalyticsDashboard = "7283910238471500007";
    private const string EtlPipeline = "7283910238471500012";
    private const string FinanceBackoffice = "7283910238471500025";
    private const string StagingLoadTest = "7283910238472500006";
    private const string BillingWeb = "7283910238471500021";

    private static readonly (string Deployment, string App, string Client, string PublicId)[] DueAtNow =
    [
        (DemoSeedWorld.Production, "analytics-api", AnalyticsDashboard, "oc_-RTbSlOjOaGgSxpoWD-LySCJp_SR2mdk"),
        (DemoSeedWorld.Production, "analytics-api", EtlPipeline, "oc_By11Vi4iIjbwn1fK49PHdp7FVmeawP6S"),
        (DemoSeedWorld.Production, "billing-portal", FinanceBackoffice, "oc_uBoCZcfm-pvjw-CdCvOhhFIjx2WxJPZz"),
        (DemoSeedWorld.Staging, "analytics-api", StagingLoadTest, "oc_a9G8Ez94L3VMjfk-jqTwIEznYrZ2RzHv"),
    ];

    [Fact]
    public async Task Sweep_sends_rotations_for_the_due_clients_the_consumer_rotates_them_and_the_next_sweep_finds_them_fresh()
    {
        await using var world = await DemoSeedWorld.StartAsync();

        var first = await world.RunAsync();

        var sent = world.SentRotations();
        Assert.Equal(DueAtNow.Select(static d => (d.Deployment, d.App, d.Client)).Order(), sent.Select(static c => (c.DeploymentId, c.AppSlug, c.OAuthClientId)).Order());
        Assert.All(sent, c =>
        {
            Assert.Equal(CommandTriggers.Schedule, c.Trigger);
            Assert.Equal("wacht-worker rotation sweep", c.RequestedBy);
        });
        Assert.Equal("secret 535 days old; maximum age 90 days", sent.Single(static c => c.OAuthClientId == AnalyticsDashboard).Reason);

        var summary = first.Summary;
        Assert.False(summary.DryRun);
        Assert.Equal(JobTriggers.Schedule, summary.Trigger);
        Assert.Equal(2, summary.Deployments);
        Assert.Equal(15, summary.ClientsSeen);
        Assert.Equal(4, summary.Due);
        Assert.Equal(4, summary.Rotated);
        Assert.Equal(0, summary.Warned);
        Assert.Equal(0, summary.Failed);
        Assert.Empty(summary.Errors);
        Assert.Equal(
            new Dictionary<string, int>
            {
                [SweepSkipReasons.AppInactive] = 2,
                [SweepSkipReasons.Inactive] = 2,
                [SweepSkipReasons.NoSecret] = 5,
                [SweepSkipReasons.NotDue] = 2,
            },
            summary.Skipped);
        Assert.All(first.Decisions, d => Assert.Equal(SweepActions.Rotate, d.Action));
        Assert.All(first.Decisions, d => Assert.Equal(RotationPolicy.AgeFromCreatedAt, d.AgeSource));
        Assert.Equal(sent.Select(static c => c.CommandId).Order(), first.Decisions.Select(static d => d.CommandId!.Value).Order());
        Assert.Single(world.Harness.Published.Select<RotationSweepCompleted>(), m => m.Context.Message.RunId == summary.RunId);

        await world.WaitForRotationsAsync([.. sent.Select(static c => c.CommandId)]);
        foreach (var (deployment, app, _, publicId) in DueAtNow)
        {
            var secret = world.SecretAtDestination(deployment, app, publicId);
            Assert.NotNull(secret);
            Assert.True(world.Emulator.IsCurrentSecret(publicId, secret), $"{publicId}: the delivered secret does not work");
        }

        // The ledger records the rotations on the real clock (only the sweep's clock is pinned), so the fresh rotation is
        // at most hours old at the pinned instant, or in its future on a later day: not due either way.
        world.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await world.RunAsync();

        Assert.Equal(4, world.SentRotations().Count);
        Assert.Equal(0, second.Summary.Due);
        Assert.Equal(0, second.Summary.Rotated);
        Assert.Equal(6, second.Summary.Skipped[SweepSkipReasons.NotDue]);
        Assert.Empty(second.Decisions);

        var runs = await world.JobLedger.ListJobRunsAsync(JobNames.RotationSweep, 10, CancellationToken.None);
        Assert.Equal([second.Summary.RunId, first.Summary.RunId], runs.Select(static r => r.RunId));
        Assert.All(runs, static r => Assert.True(r.Succeeded));
        Assert.Contains(first.Summary.RunId.ToString(), runs[1].SummaryJson, StringComparison.Ordinal);
        Assert.Equal(DemoSeedWorld.Now, runs[1].ScheduledFireAt);
        Assert.Equal("test-instance", runs[1].Instance);
    }

    [Fact]
    public async Task Re_fired_sweep_in_the_same_window_sends_the_same_command_ids_and_the_next_window_new_ones()
    {
        // No consumers: the commands stay queued, so the second sweep still finds the clients due (as a re-fire would).
        await using var world = await DemoSeedWorld.StartAsync(consumers: false);

        var first = await world.RunAsync(scheduledFireAt: DemoSeedWorld.Now);
        var refired = await world.RunAsync(scheduledFireAt: DemoSeedWorld.Now.AddHours(-9)); // 03:00, same day window
        var tomorrow = await world.RunAsync(scheduledFireAt: DemoSeedWorld.Now.AddDays(1));

        var sent = world.SentRotations();
        Assert.Equal(12, sent.Count);
        var firstIds = sent.Take(4).ToDictionary(static c => c.OAuthClientId, static c => c.CommandId);
        var refiredIds = sent.Skip(4).Take(4).ToDictionary(static c => c.OAuthClientId, static c => c.CommandId);
        var tomorrowIds = sent.Skip(8).ToDictionary(static c => c.OAuthClientId, static c => c.CommandId);
        Assert.Equal(firstIds.OrderBy(static p => p.Key), refiredIds.OrderBy(static p => p.Key));
        Assert.Equal(4, firstIds.Values.Distinct().Count());
        Assert.Empty(firstIds.Values.Intersect(tomorrowIds.Values));
        Assert.Equal(firstIds.Keys.Order(), tomorrowIds.Keys.Order());
        Assert.Equal(4, first.Summary.Rotated);
        Assert.Equal(4, refired.Summary.Rotated);
        Assert.Equal(4, tomorrow.Summary.Rotated);
    }

    [Fact]
    public async Task Cap_sends_the_oldest_secrets_first_and_defers_the_rest()
    {
        await using var world = await DemoSeedWorld.StartAsync(
            consumers: false,
            configure: static s => s["Worker:RotationSweep:MaxRotationsPerSweep"] = "2");

        var report = await world.RunAsync();

        Assert.Equal([AnalyticsDashboard, FinanceBackoffice], world.SentRotations().Select(static c => c.OAuthClientId).Order());
        Assert.Equal(4, report.Summary.Due);
        Assert.Equal(2, report.Summary.Rotated);
        Assert.Equal(2, report.Summary.Skipped[SweepSkipReasons.CapReached]);
        Assert.Equal(
            [(AnalyticsDashboard, SweepActions.Rotate), (EtlPipeline, SweepActions.Deferred), (FinanceBackoffice, SweepActions.Rotate), (StagingLoadTest, SweepActions.Deferred)],
            report.Decisions.Select(static d => (d.OAuthClientId, d.Action)));
        Assert.All(report.Decisions, static d => Assert.NotNull(d.CommandId));
    }

    [Fact]
    public async Task Warning_is_published_once_per_client_per_day_and_again_the_next_day()
    {
        await using var world = await DemoSeedWorld.StartAsync(consumers: false);
        // 2027-01-20: billing-web (created 2026-11-01T15:20Z) is 79.9 days old, inside the 14-day window before 90 days.
        world.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 20, 12, 0, 0, TimeSpan.Zero));

        var first = await world.RunAsync(dryRun: false);
        world.Clock.Advance(TimeSpan.FromHours(6));
        var sameDay = await world.RunAsync(dryRun: false);
        world.Clock.Advance(TimeSpan.FromDays(1));
        var nextDay = await world.RunAsync(dryRun: false);

        Assert.Equal([1, 0, 1], new[] { first, sameDay, nextDay }.Select(static r => r.Summary.Warned));
        var warnings = world.Harness.Published.Select<SecretRotationDue>().Select(static m => m.Context.Message).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, static w =>
        {
            Assert.Equal(DemoSeedWorld.Production, w.DeploymentId);
            Assert.Equal("billing-portal", w.AppSlug);
            Assert.Equal(BillingWeb, w.OAuthClientId);
            Assert.Equal("oc_97WbKjb-WDaNnoXpNmJJBnMncltuzMON", w.ClientId);
            Assert.Equal(new DateTimeOffset(2026, 11, 1, 15, 20, 0, TimeSpan.Zero), w.SecretIssuedAt);
            Assert.Equal(RotationPolicy.AgeFromCreatedAt, w.SecretAgeSource);
            Assert.Equal(new DateTimeOffset(2027, 1, 30, 15, 20, 0, TimeSpan.Zero), w.DueAt);
            Assert.Equal(90, w.MaxAgeDays);
        });
        Assert.Equal([first.Summary.RunId, nextDay.Summary.RunId], warnings.Select(static w => w.RunId));
        Assert.All([first, sameDay, nextDay], static r => Assert.Single(r.Decisions, static d => d.OAuthClientId == BillingWeb && d.Action == SweepActions.Warn));
    }

    [Fact]
    public async Task Dry_run_neither_publishes_nor_records_a_warning_so_the_real_run_still_warns()
    {
        await using var world = await DemoSeedWorld.StartAsync(consumers: false);
        // 2027-01-20: billing-web is inside the warning window (see the test above).
        world.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 20, 12, 0, 0, TimeSpan.Zero));

        var dry = await world.RunAsync(dryRun: true);

        Assert.True(dry.Summary.DryRun);
        Assert.Equal(1, dry.Summary.Warned);
        Assert.Single(dry.Decisions, static d => d.OAuthClientId == BillingWeb && d.Action == SweepActions.WouldWarn);
        Assert.Empty(world.Harness.Published.Select<SecretRotationDue>());
        Assert.Empty(world.SentRotations());

        // Nothing was recorded for the day: the real run that follows (an hour later, the same UTC day) warns at once.
        world.Clock.Advance(TimeSpan.FromHours(1));
        var real = await world.RunAsync(dryRun: false);

        Assert.Equal(1, real.Summary.Warned);
        Assert.Single(real.Decisions, static d => d.OAuthClientId == BillingWeb && d.Action == SweepActions.Warn);
        var warning = Assert.Single(world.Harness.Published.Select<SecretRotationDue>()).Context.Message;
        Assert.Equal(real.Summary.RunId, warning.RunId);

        // The two runs' summaries are the only other publishes; the dry one says so.
        var summaries = world.Harness.Published.Select<RotationSweepCompleted>().Select(static m => m.Context.Message).ToList();
        Assert.Equal([true, false], summaries.OrderBy(static m => m.StartedAt).Select(static m => m.DryRun));
        Assert.Equal([true, false], (await world.JobLedger.ListJobRunsAsync(JobNames.RotationSweep, 10, CancellationToken.None)).OrderBy(static r => r.StartedAt).Select(static r => r.DryRun));
    }

    [Fact]
    public async Task Dry_run_sends_nothing_and_reports_what_would_be_rotated()
    {
        await using var world = await DemoSeedWorld.StartAsync(consumers: false);

        var report = await world.RunAsync(dryRun: true);

        Assert.Empty(world.SentRotations());
        Assert.True(report.Summary.DryRun);
        Assert.Equal(4, report.Summary.Due);
        Assert.Equal(4, report.Summary.Rotated);
        Assert.Equal(DueAtNow.Select(static d => d.Client).Order(), report.Decisions.Select(static d => d.OAuthClientId).Order());
        Assert.All(report.Decisions, static d => Assert.Equal(SweepActions.WouldRotate, d.Action));
        Assert.True((await world.JobLedger.ListJobRunsAsync(JobNames.RotationSweep, 1, CancellationToken.None)).Single().DryRun);

        // A manual run without CollectItems keeps no decisions; the run record says how it was started.
        var manual = await world.Sweep.RunAsync(new Wacht.Worker.Jobs.JobRunRequest(JobTriggers.Manual, DryRun: true), CancellationToken.None);
        Assert.Empty(manual.Decisions);
        Assert.Equal(4, manual.Summary.Rotated);
        Assert.Equal(JobTriggers.Manual, manual.Summary.Trigger);
        var run = (await world.JobLedger.ListJobRunsAsync(JobNames.RotationSweep, 10, CancellationToken.None)).Single(r => r.RunId == manual.Summary.RunId);
        Assert.Null(run.ScheduledFireAt);
        Assert.Equal(Environment.MachineName, run.Instance);
        Assert.Empty(world.SentRotations());
    }

    [Fact]
    public async Task Unreachable_deployment_is_reported_and_the_others_are_still_swept()
    {
        await using var world = await DemoSeedWorld.StartAsync(consumers: false, unreachable: true);

        var report = await world.RunAsync(dryRun: true);

        var summary = report.Summary;
        Assert.Equal(3, summary.Deployments);
        Assert.Equal(15, summary.ClientsSeen);
        Assert.Equal(4, summary.Rotated);
        Assert.Equal(1, summary.Failed);
        var error = Assert.Single(summary.Errors);
        Assert.Equal(DemoSeedWorld.Unreachable, error.DeploymentId);
        Assert.Null(error.AppSlug);
        Assert.Equal(ErrorCodes.WachtUnavailable, error.Code);
        Assert.False((await world.JobLedger.ListJobRunsAsync(JobNames.RotationSweep, 1, CancellationToken.None)).Single().Succeeded);
    }

    [Fact]
    public async Task Excluded_clients_are_counted_as_filtered_and_not_sent()
    {
        await using var world = await DemoSeedWorld.StartAsync(
            consumers: false,
            configure: static s =>
            {
                s["Worker:RotationSweep:Exclude:0"] = $"{DemoSeedWorld.Staging}";
                s["Worker:RotationSweep:Exclude:1"] = "*/*/oc_By11Vi4iIjbwn1fK49PHdp7FVmeawP6S";
            });

        var report = await world.RunAsync();

        Assert.Equal([AnalyticsDashboard, FinanceBackoffice], world.SentRotations().Select(static c => c.OAuthClientId).Order());
        // The staging deployment is not walked at all; etl-pipeline is listed, then filtered.
        Assert.Equal(1, report.Summary.Skipped[SweepSkipReasons.Filtered]);
        Assert.Equal(1, report.Summary.Deployments);
    }
}
