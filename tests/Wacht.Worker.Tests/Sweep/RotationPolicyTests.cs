using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;
using Wacht.Worker.Rotation;

namespace Wacht.Worker.Tests.Sweep;

/// <summary>The sweep's policy as a table: one client, its app, the ledger's last rotation, a fixed clock → the verdict.</summary>
public sealed class RotationPolicyTests
{
    private const string Deployment = "7283910238470100001";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Case name → (app active, client, last rotation days ago or null, options tweak, filter) and the expected verdict.</summary>
    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["created_at 100 days ago, no ledger rotation: due, age from created_at"] =
            new(Client(createdDaysAgo: 100), null, Expect.Due(RotationPolicy.AgeFromCreatedAt, 100)),
        ["created_at 400 days ago, rotated 10 days ago: not due, age from the ledger"] =
            new(Client(createdDaysAgo: 400), 10, Expect.Skip(SweepSkipReasons.NotDue, RotationPolicy.AgeFromLedger, 10)),
        ["rotated 95 days ago: due, age from the ledger"] =
            new(Client(createdDaysAgo: 400), 95, Expect.Due(RotationPolicy.AgeFromLedger, 95)),
        ["exactly the maximum age: due"] =
            new(Client(createdDaysAgo: 90), null, Expect.Due(RotationPolicy.AgeFromCreatedAt, 90)),
        ["one tick short of the maximum age: warned, not due"] =
            new(Client(created: Now - TimeSpan.FromDays(90) + TimeSpan.FromTicks(1)), null, Expect.Warn(RotationPolicy.AgeFromCreatedAt)),
        ["exactly at the start of the warning window: warned"] =
            new(Client(createdDaysAgo: 76), null, Expect.Warn(RotationPolicy.AgeFromCreatedAt)),
        ["just before the warning window: not due, no warning"] =
            new(Client(created: Now - TimeSpan.FromDays(76) + TimeSpan.FromSeconds(1)), null, Expect.Skip(SweepSkipReasons.NotDue, RotationPolicy.AgeFromCreatedAt, null)),
        ["warning window zero: no warning even a day before the maximum age"] =
            new(Client(createdDaysAgo: 89), null, Expect.Skip(SweepSkipReasons.NotDue, RotationPolicy.AgeFromCreatedAt, 89), Options: o => o.WarningWindow = TimeSpan.Zero),
        ["created in the future (clock skew): not due"] =
            new(Client(created: Now.AddHours(1)), null, Expect.Skip(SweepSkipReasons.NotDue, RotationPolicy.AgeFromCreatedAt, null)),
        ["inactive client: inactive"] =
            new(Client(createdDaysAgo: 500, active: false), null, Expect.Skip(SweepSkipReasons.Inactive)),
        ["inactive app: app_inactive, even for an inactive client"] =
            new(Client(createdDaysAgo: 500, active: false), null, Expect.Skip(SweepSkipReasons.AppInactive), AppActive: false),
        ["auth method none: no_secret"] =
            new(Client(createdDaysAgo: 500, method: ClientAuthMethods.None), null, Expect.Skip(SweepSkipReasons.NoSecret)),
        ["auth method private_key_jwt: no_secret"] =
            new(Client(createdDaysAgo: 500, method: ClientAuthMethods.PrivateKeyJwt), null, Expect.Skip(SweepSkipReasons.NoSecret)),
        ["unknown auth method: no_secret"] =
            new(Client(createdDaysAgo: 500, method: "tls_client_auth"), null, Expect.Skip(SweepSkipReasons.NoSecret)),
        ["client_secret_post: due"] =
            new(Client(createdDaysAgo: 500, method: ClientAuthMethods.ClientSecretPost), null, Expect.Due(RotationPolicy.AgeFromCreatedAt, 500)),
        ["client_secret_jwt: due"] =
            new(Client(createdDaysAgo: 500, method: ClientAuthMethods.ClientSecretJwt), null, Expect.Due(RotationPolicy.AgeFromCreatedAt, 500)),
        ["include another deployment: filtered"] =
            new(Client(createdDaysAgo: 500), null, Expect.Skip(SweepSkipReasons.Filtered), Include: ["7283910238470200002"]),
        ["include this deployment: due"] =
            new(Client(createdDaysAgo: 500), null, Expect.Due(RotationPolicy.AgeFromCreatedAt, 500), Include: [Deployment]),
        ["include an app glob that does not match: filtered"] =
            new(Client(createdDaysAgo: 500), null, Expect.Skip(SweepSkipReasons.Filtered), Include: ["*/billing-*"]),
        ["include an app glob that matches: due"] =
            new(Client(createdDaysAgo: 500), null, Expect.Due(RotationPolicy.AgeFromCreatedAt, 500), Include: ["*/analytics-*"]),
        ["include by client record id: due"] =
            new(Client(createdDaysAgo: 500), null, Expect.Due(RotationPolicy.AgeFromCreatedAt, 500), Include: ["*/*/7283910238471500007"]),
        ["include by public client_id: due"] =
            new(Client(createdDaysAgo: 500), null, Expect.Due(RotationPolicy.AgeFromCreatedAt, 500), Include: ["*/*/oc_dashboard"]),
        ["include another client: filtered"] =
            new(Client(createdDaysAgo: 500), null, Expect.Skip(SweepSkipReasons.Filtered), Include: ["*/*/oc_other"]),
        ["exclude by public client_id wins over an include: filtered"] =
            new(Client(createdDaysAgo: 500), null, Expect.Skip(SweepSkipReasons.Filtered), Include: ["*/analytics-api"], Exclude: [$"{Deployment}/*/oc_dash*"]),
        ["excluded and inactive: filtered (the filter is checked first)"] =
            new(Client(createdDaysAgo: 500, active: false), null, Expect.Skip(SweepSkipReasons.Filtered), Exclude: ["*/analytics-api"]),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Policy_decides_per_table(string name)
    {
        var c = Cases[name];
        var options = new RotationSweepOptions();
        c.Options?.Invoke(options);
        var app = new OAuthApp { Id = "7283910238471500001", Slug = "analytics-api", IsActive = c.AppActive };
        var last = c.RotatedDaysAgo is { } days
            ? new RotationRecord(Guid.NewGuid(), Deployment, app.Slug, c.Client.Id, c.Client.ClientId, Now - TimeSpan.FromDays(days), CommandTriggers.Command, null, null, "File", "key", "abc")
            : null;

        var result = RotationPolicy.Evaluate(Deployment, app, c.Client, last, Now, options, new TargetFilter(c.Include ?? [], c.Exclude ?? []));

        Assert.Equal(c.Expected.Verdict, result.Verdict);
        Assert.Equal(c.Expected.SkipReason, result.SkipReason);
        Assert.Equal(c.Expected.AgeSource, result.AgeSource);
        if (c.Expected.AgeDays is { } ageDays)
        {
            Assert.Equal(TimeSpan.FromDays(ageDays), result.Age);
        }

        if (result.SecretIssuedAt is { } issued)
        {
            Assert.Equal(issued + options.MaxSecretAge, result.DueAt);
            Assert.Equal(c.RotatedDaysAgo is null ? c.Client.CreatedAt : last!.RotatedAt, issued);
        }
    }

    [Fact]
    public void Screen_needs_no_ledger_for_the_clients_the_age_cannot_change()
    {
        var app = new OAuthApp { Id = "1", Slug = "analytics-api", IsActive = true };
        Assert.Equal(SweepSkipReasons.NoSecret, RotationPolicy.Screen(Deployment, app, Client(1, method: ClientAuthMethods.None), TargetFilter.All));
        Assert.Null(RotationPolicy.Screen(Deployment, app, Client(1), TargetFilter.All));
    }

    [Fact]
    public void Command_id_is_the_same_for_the_same_client_and_window_and_differs_otherwise()
    {
        var window = TimeSpan.FromDays(1);
        var morning = RotationPolicy.WindowStart(new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.Zero), window);
        var evening = RotationPolicy.WindowStart(new DateTimeOffset(2026, 11, 27, 23, 59, 59, TimeSpan.Zero), window);
        var nextDay = RotationPolicy.WindowStart(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero), window);

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero), morning);
        Assert.Equal(morning, evening);
        Assert.Equal(RotationPolicy.CommandId(Deployment, "7283910238471500007", morning), RotationPolicy.CommandId(Deployment, "7283910238471500007", evening));
        Assert.NotEqual(RotationPolicy.CommandId(Deployment, "7283910238471500007", morning), RotationPolicy.CommandId(Deployment, "7283910238471500007", nextDay));
        Assert.NotEqual(RotationPolicy.CommandId(Deployment, "7283910238471500007", morning), RotationPolicy.CommandId(Deployment, "7283910238471500012", morning));
        Assert.NotEqual(RotationPolicy.CommandId(Deployment, "7283910238471500007", morning), RotationPolicy.CommandId("7283910238470200002", "7283910238471500007", morning));
    }

    [Fact]
    public void Command_window_is_floored_from_the_Unix_epoch_in_UTC()
    {
        // Six-hour windows: 00:00, 06:00, 12:00, 18:00 UTC, whatever the offset of the fire time.
        var at = new DateTimeOffset(2026, 11, 27, 13, 30, 0, TimeSpan.FromHours(2)); // 11:30 UTC
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero), RotationPolicy.WindowStart(at, TimeSpan.FromHours(6)));
        Assert.Throws<ArgumentOutOfRangeException>(() => RotationPolicy.WindowStart(at, TimeSpan.Zero));
    }

    [Fact]
    public void Reason_names_the_age_and_the_maximum_in_days()
    {
        Assert.Equal("secret 123 days old; maximum age 90 days", RotationPolicy.Reason(TimeSpan.FromDays(123.7), TimeSpan.FromDays(90)));
        Assert.Equal("secret 0 days old; maximum age 0.5 days", RotationPolicy.Reason(TimeSpan.FromHours(13), TimeSpan.FromHours(12)));
    }

    private static OAuthClient Client(int createdDaysAgo, bool active = true, string method = ClientAuthMethods.ClientSecretBasic) =>
        Client(Now - TimeSpan.FromDays(createdDaysAgo), active, method);

    private static OAuthClient Client(DateTimeOffset created, bool active = true, string method = ClientAuthMethods.ClientSecretBasic) => new()
    {
        Id = "7283910238471500007",
        ClientId = "oc_dashboard",
        ClientAuthMethod = method,
        IsActive = active,
        CreatedAt = created,
    };

    private sealed record Case(
        OAuthClient Client,
        int? RotatedDaysAgo,
        Expect Expected,
        bool AppActive = true,
        Action<RotationSweepOptions>? Options = null,
        string[]? Include = null,
        string[]? Exclude = null);

    private sealed record Expect(RotationVerdict Verdict, string? SkipReason, string? AgeSource, int? AgeDays)
    {
        public static Expect Due(string source, int ageDays) => new(RotationVerdict.Due, null, source, ageDays);

        public static Expect Warn(string source) => new(RotationVerdict.Warn, SweepSkipReasons.NotDue, source, null);

        public static Expect Skip(string reason, string? source = null, int? ageDays = null) => new(RotationVerdict.Skip, reason, source, ageDays);
    }
}
