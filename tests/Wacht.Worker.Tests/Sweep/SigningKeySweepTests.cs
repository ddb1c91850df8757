using MassTransit.Testing;
using Wacht.Worker.Contracts;
using Wacht.Worker.Rotation;

namespace Wacht.Worker.Tests.Sweep;

/// <summary>
/// The sweep's signing-key phase end to end on the harness, against the demo seed, the sweep's clock pinned to
/// 2026-11-27T12:00Z. The seed's apps have no signing keys of their own: each gets one key on first use, created with
/// the app. With a maximum signing-key age of 180 days (warning window 14 days): due (age from app_created_at):
/// production analytics-api (created 2024-09-02, 816 days), billing-portal (2025-02-17, 648 days), staging analytics-api
/// (2025-09-01, 452 days); not due: staging internal-tools (2026-08-01, 118 days); app inactive:
/// legacy-partner-integration.
/// </summary>
public sealed class SigningKeySweepTests
{
    private const string P = DemoSeedWorld.Production;
    private const string S = DemoSeedWorld.Staging;

    private static readonly (string Deployment, string App)[] DueAtNow = [(P, "analytics-api"), (P, "billing-portal"), (S, "analytics-api")];

    private static Action<Dictionary<string, string?>> Keys(string maxAge = "180.00:00:00", Action<Dictionary<string, string?>>? more = null) => s =>
    {
        s["Worker:RotationSweep:MaxSigningKeyAge"] = maxAge;
        more?.Invoke(s);
    };

    private static IReadOnlyList<RotateSigningKey> Sent(DemoSeedWorld world) =>
        [.. world.Harness.Sent.Select<RotateSigningKey>().Select(static m => m.Context.Message)];

    private static IReadOnlyList<SigningKeyRotationDue> Warnings(DemoSeedWorld world) =>
        [.. world.Harness.Published.Select<SigningKeyRotationDue>().Select(static m => m.Context.Message)];

    [Fact]
    public async Task Off_by_default_the_sweep_reads_no_signing_key_and_sends_no_rotation()
    {
        await using var world = await DemoSeedWorld.StartAsync(consumers: false);

        var report = await world.RunAsync();

        Assert.Equal((0, 0, 0, 0), (report.Summary.AppsSeen, report.Summary.SigningKeysDue, report.Summary.SigningKeysRotated, report.Summary.SigningKeysWarned));
        Assert.Empty(report.Summary.SigningKeysSkipped);
        Assert.Empty(report.SigningKeyDecisions);
        Assert.Empty(Sent(world));
        Assert.Equal(0, world.Emulator.Calls.Count("listOAuthAppSigningKeys"));
        Assert.Equal(4, report.Summary.Rotated);
    }

    [Fact]
    public async Task Due_keys_get_a_scheduled_rotation_the_consumer_rotates_them_and_the_next_sweep_finds_them_fresh()
    {
        await using var world = await DemoSeedWorld.StartAsync(configure: Keys());
        var before = await ActiveKidsAsync(world);

        var first = await world.RunAsync();

        var sent = Sent(world);
        Assert.Equal(DueAtNow.Order(), sent.Select(static c => (c.DeploymentId, c.AppSlug)).Order());
        Assert.All(sent, static c => Assert.Equal((CommandTriggers.Schedule, "wacht-worker rotation sweep"), (c.Trigger, c.RequestedBy)));
        Assert.Equal("signing key 816 days old; maximum age 180 days", sent.Single(static c => c is { DeploymentId: P, AppSlug: "analytics-api" }).Reason);
        var summary = first.Summary;
        Assert.Equal((5, 3, 3, 0), (summary.AppsSeen, summary.SigningKeysDue, summary.SigningKeysRotated, summary.SigningKeysWarned));
        Assert.Equal(new Dictionary<string, int> { [SweepSkipReasons.AppInactive] = 1, [SweepSkipReasons.NotDue] = 1 }, summary.SigningKeysSkipped);
        Assert.Equal(0, summary.Failed);
        Assert.All(first.SigningKeyDecisions, static d => Assert.Equal((SweepActions.Rotate, SigningKeyRotationPolicy.AgeFromAppCreatedAt), (d.Action, d.AgeSource)));
        Assert.Equal(sent.Select(static c => c.CommandId).Order(), first.SigningKeyDecisions.Select(static d => d.CommandId!.Value).Order());
        // The secrets are swept as before, in the same run.
        Assert.Equal(4, summary.Rotated);

        await WaitForKeyRotationsAsync(world, [.. sent.Select(static c => c.CommandId)]);
        var after = await ActiveKidsAsync(world);
        foreach (var (deployment, app) in DueAtNow)
        {
            Assert.NotEqual(before[(deployment, app)], after[(deployment, app)]);
        }

        Assert.Equal(before[(S, "internal-tools")], after[(S, "internal-tools")]);

        // The ledger dates the new keys on the real clock, past the pinned instant: not due.
        world.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await world.RunAsync();

        Assert.Equal(3, Sent(world).Count);
        Assert.Equal((0, 0), (second.Summary.SigningKeysDue, second.Summary.SigningKeysRotated));
        Assert.Equal(4, second.Summary.SigningKeysSkipped[SweepSkipReasons.NotDue]);
    }

    [Fact]
    public async Task Cap_rotates_the_oldest_keys_first_and_defers_the_rest()
    {
        await using var world = await DemoSeedWorld.StartAsync(consumers: false, configure: Keys(more: static s => s["Worker:RotationSweep:MaxSigningKeyRotationsPerSweep"] = "2"));

        var report = await world.RunAsync();

        Assert.Equal([(P, "analytics-api"), (P, "billing-portal")], Sent(world).Select(static c => (c.DeploymentId, c.AppSlug)).Order());
        Assert.Equal((3, 2), (report.Summary.SigningKeysDue, report.Summary.SigningKeysRotated));
        Assert.Equal(1, report.Summary.SigningKeysSkipped[SweepSkipReasons.CapReached]);
        Assert.Equal(
            [(P, "analytics-api", SweepActions.Rotate), (P, "billing-portal", SweepActions.Rotate), (S, "analytics-api", SweepActions.Deferred)],
            report.SigningKeyDecisions.Select(static d => (d.DeploymentId, d.AppSlug, d.Action)));
    }

    [Fact]
    public async Task Dry_run_sends_records_and_publishes_nothing_and_reports_what_a_real_run_would_do()
    {
        await using var world = await DemoSeedWorld.StartAsync(consumers: false, configure: Keys("125.00:00:00", static s => s["Worker:RotationSweep:MaxSigningKeyRotationsPerSweep"] = "2"));

        var dry = await world.RunAsync(dryRun: true);

        Assert.Empty(Sent(world));
        Assert.Empty(Warnings(world));
        Assert.Equal((3, 2, 1), (dry.Summary.SigningKeysDue, dry.Summary.SigningKeysRotated, dry.Summary.SigningKeysWarned));
        Assert.Equal(
            [(P, "analytics-api", SweepActions.WouldRotate), (P, "billing-portal", SweepActions.WouldRotate), (S, "analytics-api", SweepActions.Deferred), (S, "internal-tools", SweepActions.WouldWarn)],
            dry.SigningKeyDecisions.Select(static d => (d.DeploymentId, d.AppSlug, d.Action)));
        foreach (var (deployment, app) in DueAtNow.Append((S, "internal-tools")))
        {
            Assert.Null(await world.JobLedger.FindSigningKeySightingAsync(deployment, app, CancellationToken.None));
        }

        // Nothing was recorded: the real run an hour later warns and sends.
        world.Clock.Advance(TimeSpan.FromHours(1));
        var real = await world.RunAsync(dryRun: false);

        Assert.Equal((2, 1), (real.Summary.SigningKeysRotated, real.Summary.SigningKeysWarned));
        Assert.Equal(2, Sent(world).Count);
        Assert.Equal(real.Summary.RunId, Assert.Single(Warnings(world)).RunId);
        Assert.NotNull(await world.JobLedger.FindSigningKeySightingAsync(S, "internal-tools", CancellationToken.None));
    }

    [Fact]
    public async Task Warning_is_published_once_per_app_per_day_and_again_the_next_day()
    {
        // Maximum 125 days: internal-tools (created 2026-08-01T08:00Z, 118.2 days old) is inside the 14-day window.
        await using var world = await DemoSeedWorld.StartAsync(consumers: false, configure: Keys("125.00:00:00"));

        var first = await world.RunAsync();
        world.Clock.Advance(TimeSpan.FromHours(6));
        var sameDay = await world.RunAsync();
        world.Clock.Advance(TimeSpan.FromDays(1));
        var nextDay = await world.RunAsync();

        Assert.Equal([1, 0, 1], new[] { first, sameDay, nextDay }.Select(static r => r.Summary.SigningKeysWarned));
        var warnings = Warnings(world);
        Assert.Equal([first.Summary.RunId, nextDay.Summary.RunId], warnings.Select(static w => w.RunId));
        var kid = (await world.Wacht(S).ListOAuthAppSigningKeysAsync("internal-tools")).Single(static k => k.Status == "active").Kid;
        Assert.All(warnings, w =>
        {
            Assert.Equal((S, "internal-tools", kid), (w.DeploymentId, w.AppSlug, w.Kid));
            Assert.Equal(new DateTimeOffset(2026, 8, 1, 8, 0, 0, TimeSpan.Zero), w.KeyIssuedAt);
            Assert.Equal(SigningKeyRotationPolicy.AgeFromAppCreatedAt, w.KeyAgeSource);
            Assert.Equal(new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero), w.DueAt);
            Assert.Equal(125, w.MaxAgeDays);
        });
        Assert.All([first, sameDay, nextDay], static r => Assert.Single(r.SigningKeyDecisions, static d => d.AppSlug == "internal-tools" && d.Action == SweepActions.Warn));
    }

    [Fact]
    public async Task Re_fired_sweep_in_the_same_window_sends_the_same_command_ids_and_the_next_window_new_ones()
    {
        await using var world = await DemoSeedWorld.StartAsync(consumers: false, configure: Keys());

        await world.RunAsync(scheduledFireAt: DemoSeedWorld.Now);
        await world.RunAsync(scheduledFireAt: DemoSeedWorld.Now.AddHours(-9));
        await world.RunAsync(scheduledFireAt: DemoSeedWorld.Now.AddDays(1));

        var ids = Sent(world).Chunk(3).Select(static run => run.ToDictionary(static c => (c.DeploymentId, c.AppSlug), static c => c.CommandId)).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Equal(ids[0].OrderBy(static p => p.Key), ids[1].OrderBy(static p => p.Key));
        Assert.Empty(ids[0].Values.Intersect(ids[2].Values));
        Assert.Equal(SigningKeyRotationPolicy.CommandId(P, "analytics-api", RotationPolicy.WindowStart(DemoSeedWorld.Now, TimeSpan.FromDays(1))), ids[0][(P, "analytics-api")]);
    }

    [Fact]
    public async Task A_key_rotated_outside_the_worker_is_aged_from_the_last_sweep_that_saw_the_old_one()
    {
        await using var world = await DemoSeedWorld.StartAsync(consumers: false, configure: Keys());
        await world.RunAsync();
        var old = (await world.Wacht(P).ListOAuthAppSigningKeysAsync("analytics-api")).Single(static k => k.Status == "active").Kid;

        // Someone rotates the key in the console; the next day's sweep sees a key it never saw.
        var rotated = await world.Wacht(P).RotateOAuthAppSigningKeyAsync("analytics-api");
        world.Clock.Advance(TimeSpan.FromDays(1));
        var next = await world.RunAsync();

        Assert.DoesNotContain(next.SigningKeyDecisions, static d => d is { DeploymentId: P, AppSlug: "analytics-api" });
        Assert.Equal(2, next.Summary.SigningKeysDue);
        var sighting = await world.JobLedger.FindSigningKeySightingAsync(P, "analytics-api", CancellationToken.None);
        Assert.Equal((rotated.Kid, world.Clock.GetUtcNow(), (DateTimeOffset?)DemoSeedWorld.Now), (sighting!.Kid, sighting.FirstSeenAt, sighting.CreatedAfter));
        Assert.NotEqual(old, rotated.Kid);
    }

    [Fact]
    public async Task Filters_select_whole_apps_and_a_client_pattern_leaves_the_app_out()
    {
        await using var world = await DemoSeedWorld.StartAsync(consumers: false, configure: Keys(more: static s =>
        {
            s["Worker:RotationSweep:Include:0"] = "*/analytics-api";
            s["Worker:RotationSweep:Include:1"] = $"{P}/billing-portal/oc_97WbKjb-WDaNnoXpNmJJBnMncltuzMON";
            s["Worker:RotationSweep:Exclude:0"] = $"{S}/analytics-api/oc_a9G8Ez94L3VMjfk-jqTwIEznYrZ2RzHv";
        }));

        var report = await world.RunAsync();

        Assert.Equal([(P, "analytics-api"), (S, "analytics-api")], Sent(world).Select(static c => (c.DeploymentId, c.AppSlug)).Order());
        Assert.Equal(1, report.Summary.SigningKeysSkipped[SweepSkipReasons.Filtered]);
    }

    private static async Task<Dictionary<(string, string), string>> ActiveKidsAsync(DemoSeedWorld world)
    {
        var kids = new Dictionary<(string, string), string>();
        foreach (var (deployment, app) in DueAtNow.Append((S, "internal-tools")))
        {
            kids[(deployment, app)] = (await world.Wacht(deployment).ListOAuthAppSigningKeysAsync(app)).Single(static k => k.Status == "active").Kid;
        }

        return kids;
    }

    private static async Task WaitForKeyRotationsAsync(DemoSeedWorld world, IReadOnlyCollection<Guid> commandIds)
    {
        using var timeout = new CancellationTokenSource(world.Harness.TestTimeout);
        while (true)
        {
            var failed = world.Harness.Published.Select<SigningKeyRotationFailed>().Select(static m => m.Context.Message).FirstOrDefault(m => commandIds.Contains(m.CommandId));
            Assert.True(failed is null, $"Rotation {failed?.CommandId} failed: {failed?.ErrorCode} {failed?.Message}");
            var done = world.Harness.Published.Select<SigningKeyRotated>().Select(static m => m.Context.Message.CommandId).ToHashSet();
            if (commandIds.All(done.Contains))
            {
                return;
            }

            await Task.Delay(10, timeout.Token);
        }
    }
}
