using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;
using Wacht.Worker.Rotation;

namespace Wacht.Worker.Tests.Sweep;

/// <summary>
/// The sweep's signing-key policy as tables on a fixed clock: one app, its active key, the ledger's history and the
/// sweep's sighting → the verdict and where the age comes from; then the plan of a run (order, cap, dry run, ids).
/// </summary>
public sealed class SigningKeyRotationPolicyTests
{
    private const string Deployment = "7283910238470100001";
    private const string Kid = "oas-7283910238471500001-7";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxAge = TimeSpan.FromDays(180);
    private static readonly TimeSpan Window = TimeSpan.FromDays(14);

    /// <summary>Case name → the app's situation and the expected verdict.</summary>
    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["app created 200 days ago, nothing else known: due, age from app_created_at"] =
            new(App(200), Expect.Due(SigningKeyRotationPolicy.AgeFromAppCreatedAt, 200)),
        ["exactly the maximum age: due"] =
            new(App(180), Expect.Due(SigningKeyRotationPolicy.AgeFromAppCreatedAt, 180)),
        ["one tick short of the maximum age: warned, not due"] =
            new(App(created: Now - MaxAge + TimeSpan.FromTicks(1)), Expect.Warn(SigningKeyRotationPolicy.AgeFromAppCreatedAt)),
        ["exactly at the start of the warning window: warned"] =
            new(App(166), Expect.Warn(SigningKeyRotationPolicy.AgeFromAppCreatedAt)),
        ["one second before the warning window: not due, no warning"] =
            new(App(created: Now - TimeSpan.FromDays(166) + TimeSpan.FromSeconds(1)), Expect.Skip(SweepSkipReasons.NotDue, SigningKeyRotationPolicy.AgeFromAppCreatedAt)),
        ["warning window zero: no warning a day before the maximum age"] =
            new(App(179), Expect.Skip(SweepSkipReasons.NotDue, SigningKeyRotationPolicy.AgeFromAppCreatedAt), WarningWindow: TimeSpan.Zero),
        ["app created in the future (clock skew): not due"] =
            new(App(created: Now.AddHours(1)), Expect.Skip(SweepSkipReasons.NotDue, SigningKeyRotationPolicy.AgeFromAppCreatedAt)),
        ["the worker rotated to this key 10 days ago, app 400 days old: not due, age from the ledger"] =
            new(App(400), Expect.Skip(SweepSkipReasons.NotDue, SigningKeyRotationPolicy.AgeFromLedger, 10), History: [Rotated(Kid, "oas-old", 10)]),
        ["the worker rotated to this key 190 days ago: due, age from the ledger"] =
            new(App(400), Expect.Due(SigningKeyRotationPolicy.AgeFromLedger, 190), History: [Rotated(Kid, "oas-old", 190)]),
        ["the worker's latest change compromised a retired key yesterday: the active key keeps its age"] =
            new(App(400), Expect.Due(SigningKeyRotationPolicy.AgeFromLedger, 190),
                History: [Compromised("oas-old", activeBefore: Kid, activeAfter: Kid, 1), Rotated(Kid, "oas-old", 190)]),
        ["the worker compromised the active key 3 days ago, which made this one active: not due, age from the ledger"] =
            new(App(400), Expect.Skip(SweepSkipReasons.NotDue, SigningKeyRotationPolicy.AgeFromLedger, 3), History: [Compromised("oas-old", activeBefore: "oas-old", activeAfter: Kid, 3)]),
        ["the worker's history is about other keys (rotated elsewhere since): not the ledger"] =
            new(App(400), Expect.Due(SigningKeyRotationPolicy.AgeFromAppCreatedAt, 400), History: [Rotated("oas-other", "oas-old", 10)]),
        ["the sweep saw another key active 5 days ago, then this one: not due, observed"] =
            new(App(400), Expect.Skip(SweepSkipReasons.NotDue, SigningKeyRotationPolicy.AgeObserved, 5), Sighting: Seen(Kid, createdAfterDaysAgo: 5)),
        ["the sweep saw another key active 200 days ago, then this one: due, observed"] =
            new(App(400), Expect.Due(SigningKeyRotationPolicy.AgeObserved, 200), Sighting: Seen(Kid, createdAfterDaysAgo: 200)),
        ["the sweep only ever saw this key: app_created_at"] =
            new(App(400), Expect.Due(SigningKeyRotationPolicy.AgeFromAppCreatedAt, 400), Sighting: Seen(Kid, createdAfterDaysAgo: null)),
        ["a sighting of another key does not bound this one: app_created_at"] =
            new(App(400), Expect.Due(SigningKeyRotationPolicy.AgeFromAppCreatedAt, 400), Sighting: Seen("oas-other", createdAfterDaysAgo: 5)),
        ["the ledger wins over a sighting"] =
            new(App(400), Expect.Skip(SweepSkipReasons.NotDue, SigningKeyRotationPolicy.AgeFromLedger, 2), History: [Rotated(Kid, "oas-old", 2)], Sighting: Seen(Kid, createdAfterDaysAgo: 3)),
        ["no active key: no_active_key"] =
            new(App(400), Expect.Skip(SweepSkipReasons.NoActiveKey), Active: false),
        ["inactive app: app_inactive"] =
            new(App(400, active: false), Expect.Skip(SweepSkipReasons.AppInactive)),
        ["include another app: filtered"] =
            new(App(400), Expect.Skip(SweepSkipReasons.Filtered), Include: ["*/billing-*"]),
        ["include this app: due"] =
            new(App(400), Expect.Due(SigningKeyRotationPolicy.AgeFromAppCreatedAt, 400), Include: ["*/analytics-*"]),
        ["include only some clients of this app: filtered (client patterns are not about the app)"] =
            new(App(400), Expect.Skip(SweepSkipReasons.Filtered), Include: ["*/analytics-api/oc_dashboard"]),
        ["exclude one client of this app: still due"] =
            new(App(400), Expect.Due(SigningKeyRotationPolicy.AgeFromAppCreatedAt, 400), Exclude: ["*/analytics-api/oc_dashboard"]),
        ["exclude this app: filtered, even when inactive"] =
            new(App(400, active: false), Expect.Skip(SweepSkipReasons.Filtered), Exclude: [$"{Deployment}/analytics-api"]),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Policy_decides_per_table(string name)
    {
        var c = Cases[name];
        var active = c.Active ? new SigningKey { Kid = Kid, Algorithm = "ES256", Status = "active" } : null;

        var result = SigningKeyRotationPolicy.Evaluate(
            Deployment, c.App, active, c.History ?? [], c.Sighting, Now, MaxAge, c.WarningWindow ?? Window, new TargetFilter(c.Include ?? [], c.Exclude ?? []));

        Assert.Equal(c.Expected.Verdict, result.Verdict);
        Assert.Equal(c.Expected.SkipReason, result.SkipReason);
        Assert.Equal(c.Expected.AgeSource, result.AgeSource);
        if (c.Expected.AgeDays is { } days)
        {
            Assert.Equal(TimeSpan.FromDays(days), result.Age);
        }

        if (result.KeyIssuedAt is { } issued)
        {
            Assert.Equal(Kid, result.Kid);
            Assert.Equal(Now - issued, result.Age);
            Assert.Equal(issued + MaxAge, result.DueAt);
            // Every source is a lower bound of the key's creation: never later than the app's.
            Assert.True(issued >= c.App.CreatedAt);
        }
    }

    [Fact]
    public void Plan_rotates_the_oldest_keys_first_within_the_cap_and_defers_the_rest()
    {
        var window = RotationPolicy.WindowStart(Now, TimeSpan.FromDays(1));
        SigningKeyCandidate[] due =
        [
            Candidate("7283910238470200002", "analytics-api", 452),
            Candidate(Deployment, "billing-portal", 648),
            Candidate(Deployment, "analytics-api", 816),
            Candidate(Deployment, "zeta", 452),
            new(Deployment, "not-due", new SigningKeyEvaluation(RotationVerdict.Warn, SweepSkipReasons.NotDue, Kid, Now, "ledger", TimeSpan.Zero, Now)),
        ];

        var plan = SigningKeyRotationPolicy.Plan(due, window, MaxAge, cap: 2, dryRun: false);

        Assert.Equal(
            [
                (Deployment, "analytics-api", SweepActions.Rotate),
                (Deployment, "billing-portal", SweepActions.Rotate),
                (Deployment, "zeta", SweepActions.Deferred),
                ("7283910238470200002", "analytics-api", SweepActions.Deferred),
            ],
            plan.Select(d => (d.DeploymentId, d.AppSlug, d.Action)));
        Assert.Equal("signing key 816 days old; maximum age 180 days", plan[0].Reason);
        Assert.All(plan, d => Assert.Equal(SigningKeyRotationPolicy.CommandId(d.DeploymentId, d.AppSlug, window), d.CommandId));
    }

    [Fact]
    public void Plan_in_a_dry_run_says_would_rotate_within_the_cap_and_deferred_beyond_it()
    {
        var plan = SigningKeyRotationPolicy.Plan(
            [Candidate(Deployment, "a", 300), Candidate(Deployment, "b", 200)], Now, MaxAge, cap: 1, dryRun: true);

        Assert.Equal([SweepActions.WouldRotate, SweepActions.Deferred], plan.Select(d => d.Action));
    }

    [Fact]
    public void Plan_with_a_cap_of_zero_defers_every_due_key()
    {
        var plan = SigningKeyRotationPolicy.Plan([Candidate(Deployment, "a", 300)], Now, MaxAge, cap: 0, dryRun: false);

        Assert.Equal(SweepActions.Deferred, Assert.Single(plan).Action);
    }

    [Fact]
    public void Command_id_is_the_same_for_the_same_app_and_window_and_differs_otherwise()
    {
        var day = TimeSpan.FromDays(1);
        var morning = RotationPolicy.WindowStart(Now.AddHours(-9), day);
        var evening = RotationPolicy.WindowStart(Now.AddHours(11), day);
        var nextDay = RotationPolicy.WindowStart(Now.AddHours(12), day);

        Assert.Equal(SigningKeyRotationPolicy.CommandId(Deployment, "analytics-api", morning), SigningKeyRotationPolicy.CommandId(Deployment, "analytics-api", evening));
        Assert.NotEqual(SigningKeyRotationPolicy.CommandId(Deployment, "analytics-api", morning), SigningKeyRotationPolicy.CommandId(Deployment, "analytics-api", nextDay));
        Assert.NotEqual(SigningKeyRotationPolicy.CommandId(Deployment, "analytics-api", morning), SigningKeyRotationPolicy.CommandId(Deployment, "billing-portal", morning));
        Assert.NotEqual(SigningKeyRotationPolicy.CommandId(Deployment, "analytics-api", morning), SigningKeyRotationPolicy.CommandId("7283910238470200002", "analytics-api", morning));
        // Not the id of a secret rotation of a client that happens to share the text.
        Assert.NotEqual(SigningKeyRotationPolicy.CommandId(Deployment, "analytics-api", morning), RotationPolicy.CommandId(Deployment, "analytics-api", morning));
    }

    [Fact]
    public void A_sighting_of_the_same_key_keeps_its_bound_and_another_key_is_bounded_by_the_last_sighting()
    {
        var first = SigningKeySighting.Next(null, Deployment, "a", "k1", Now);
        var again = SigningKeySighting.Next(first, Deployment, "a", "k1", Now.AddDays(1));
        var changed = SigningKeySighting.Next(again, Deployment, "a", "k2", Now.AddDays(2));

        Assert.Null(first.CreatedAfter);
        Assert.Equal((Now, Now.AddDays(1), (DateTimeOffset?)null), (again.FirstSeenAt, again.LastSeenAt, again.CreatedAfter));
        Assert.Equal(("k2", Now.AddDays(2), (DateTimeOffset?)Now.AddDays(1)), (changed.Kid, changed.FirstSeenAt, changed.CreatedAfter));
    }

    private static SigningKeyCandidate Candidate(string deployment, string app, int ageDays) =>
        new(deployment, app, new SigningKeyEvaluation(RotationVerdict.Due, null, Kid, Now - TimeSpan.FromDays(ageDays), SigningKeyRotationPolicy.AgeFromAppCreatedAt, TimeSpan.FromDays(ageDays), Now - TimeSpan.FromDays(ageDays) + MaxAge));

    private static OAuthApp App(int daysAgo, bool active = true) => App(Now - TimeSpan.FromDays(daysAgo), active);

    private static OAuthApp App(DateTimeOffset created, bool active = true) =>
        new() { Id = "7283910238471500001", Slug = "analytics-api", IsActive = active, CreatedAt = created };

    private static SigningKeyChange Rotated(string kid, string previous, int daysAgo) =>
        new(Guid.NewGuid(), Deployment, "analytics-api", SigningKeyChange.Rotate, kid, previous, kid, Now - TimeSpan.FromDays(daysAgo), CommandTriggers.Schedule, null, null);

    private static SigningKeyChange Compromised(string kid, string activeBefore, string activeAfter, int daysAgo) =>
        new(Guid.NewGuid(), Deployment, "analytics-api", SigningKeyChange.Compromise, kid, activeBefore, activeAfter, Now - TimeSpan.FromDays(daysAgo), CommandTriggers.Command, null, null);

    private static SigningKeySighting Seen(string kid, int? createdAfterDaysAgo) =>
        new(Deployment, "analytics-api", kid, Now, Now, createdAfterDaysAgo is { } days ? Now - TimeSpan.FromDays(days) : null);

    private sealed record Case(
        OAuthApp App,
        Expect Expected,
        IReadOnlyList<SigningKeyChange>? History = null,
        SigningKeySighting? Sighting = null,
        bool Active = true,
        TimeSpan? WarningWindow = null,
        string[]? Include = null,
        string[]? Exclude = null);

    private sealed record Expect(RotationVerdict Verdict, string? SkipReason, string? AgeSource, int? AgeDays)
    {
        public static Expect Due(string source, int days) => new(RotationVerdict.Due, null, source, days);

        public static Expect Warn(string source) => new(RotationVerdict.Warn, SweepSkipReasons.NotDue, source, null);

        public static Expect Skip(string reason, string? source = null, int? days = null) => new(RotationVerdict.Skip, reason, source, days);
    }
}
