using Wacht.Worker.Contracts;
using Wacht.Worker.Rotation;
using Wacht.Worker.Rotation.Validity;

namespace Wacht.Worker.Tests.Rotation.Validity;

public sealed class DeliveredSecretPolicyTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly DateTimeOffset Window = RotationPolicy.WindowStart(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero), Day);

    private static readonly string[] Clients = [.. Enumerable.Range(0, 400).Select(static i => (7283910238471500000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture))];

    [Theory]
    [InlineData(1.0, 1)]
    [InlineData(0.5, 2)]
    [InlineData(0.34, 3)]
    [InlineData(0.25, 4)]
    [InlineData(0.3, 4)]
    [InlineData(0.2, 5)]
    [InlineData(0.1, 10)]
    [InlineData(0.001, 1000)]
    public void Cycle_IsTheRunsInWhichEveryClientIsCheckedOnce(double share, int cycle) =>
        Assert.Equal(cycle, DeliveredSecretPolicy.Cycle(share));

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.25)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Cycle_RefusesAShareOutsideZeroToOne(double share) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DeliveredSecretPolicy.Cycle(share));

    [Theory]
    [InlineData(SweepSkipReasons.Filtered)]
    [InlineData(SweepSkipReasons.AppInactive)]
    [InlineData(SweepSkipReasons.Inactive)]
    [InlineData(SweepSkipReasons.NoSecret)]
    public void Screen_TheSweepsReasonWins_InEverySlot(string reason)
    {
        for (var slot = 0; slot < 4; slot++)
        {
            Assert.Equal(reason, DeliveredSecretPolicy.Screen(reason, "1", Clients[0], slot, 4));
        }
    }

    [Fact]
    public void Screen_ChecksAClientInItsOwnSlotOnly()
    {
        var own = DeliveredSecretPolicy.ClientSlot("1", Clients[0], 4);
        for (var slot = 0; slot < 4; slot++)
        {
            Assert.Equal(slot == own ? null : SecretCheckSkipReasons.NotInShare, DeliveredSecretPolicy.Screen(null, "1", Clients[0], slot, 4));
        }
    }

    [Fact]
    public void ShareOfOne_ChecksEveryClientEveryRun() =>
        Assert.All(Clients, c => Assert.Null(DeliveredSecretPolicy.Screen(null, "1", c, DeliveredSecretPolicy.RunSlot(Window, Day, 1), 1)));

    [Theory]
    [InlineData(0.25, 0)]
    [InlineData(0.25, 17)]
    [InlineData(0.1, 3)]
    [InlineData(0.5, 1)]
    public void AnyCycleOfConsecutiveWindows_ChecksEveryClientExactlyOnce(double share, int firstWindowOffset)
    {
        var cycle = DeliveredSecretPolicy.Cycle(share);
        var checks = Clients.ToDictionary(static c => c, static _ => 0);
        for (var run = 0; run < cycle; run++)
        {
            var slot = DeliveredSecretPolicy.RunSlot(Window + (Day * (firstWindowOffset + run)), Day, cycle);
            foreach (var client in Clients.Where(c => DeliveredSecretPolicy.Screen(null, "7283910238470100001", c, slot, cycle) is null))
            {
                checks[client]++;
            }
        }

        Assert.All(checks, static p => Assert.Equal(1, p.Value));
    }

    [Fact]
    public void EachRun_ChecksAboutTheShare()
    {
        // 400 clients, share 0.25: each slot holds about 100 (the hash spreads them; it does not count them).
        var slots = Clients.GroupBy(static c => DeliveredSecretPolicy.ClientSlot("7283910238470100001", c, 4)).ToDictionary(static g => g.Key, static g => g.Count());
        Assert.Equal([0, 1, 2, 3], slots.Keys.Order());
        Assert.All(slots.Values, static n => Assert.InRange(n, 70, 130));
    }

    [Fact]
    public void ConsecutiveWindows_TakeConsecutiveSlots_AlsoBeforeTheEpoch()
    {
        var first = DeliveredSecretPolicy.RunSlot(Window, Day, 4);
        Assert.Equal([first, (first + 1) % 4, (first + 2) % 4, (first + 3) % 4, first], Enumerable.Range(0, 5).Select(i => DeliveredSecretPolicy.RunSlot(Window + (Day * i), Day, 4)));
        Assert.InRange(DeliveredSecretPolicy.RunSlot(DateTimeOffset.UnixEpoch - (Day * 3), Day, 4), 0, 3);
        Assert.Equal(1, DeliveredSecretPolicy.RunSlot(DateTimeOffset.UnixEpoch - (Day * 3), Day, 4));
    }

    [Fact]
    public void ClientSlot_DependsOnTheDeploymentAndTheClientOnly()
    {
        Assert.Equal(DeliveredSecretPolicy.ClientSlot("1", Clients[5], 7), DeliveredSecretPolicy.ClientSlot("1", Clients[5], 7));
        Assert.Contains(Clients, c => DeliveredSecretPolicy.ClientSlot("1", c, 4) != DeliveredSecretPolicy.ClientSlot("2", c, 4));
    }

    [Theory]
    [InlineData(false, false, SecretCheckRemediations.Reported)]
    [InlineData(false, true, SecretCheckRemediations.Reported)]
    [InlineData(true, false, SecretCheckRemediations.RotateRequested)]
    [InlineData(true, true, SecretCheckRemediations.WouldRotate)]
    public void Remediation_RotatesOnlyWhenAskedAndNeverInADryRun(bool rotateOnRejected, bool dryRun, string expected) =>
        Assert.Equal(expected, DeliveredSecretPolicy.Remediation(rotateOnRejected, dryRun));

    [Fact]
    public void CommandId_IsTheSameForTheSameFindingInTheSameWindow_AndNewOtherwise()
    {
        var id = DeliveredSecretPolicy.CommandId("1", "200", "abcdef012345", Window);
        Assert.Equal(id, DeliveredSecretPolicy.CommandId("1", "200", "abcdef012345", Window));
        Assert.NotEqual(id, DeliveredSecretPolicy.CommandId("1", "200", "abcdef012346", Window));
        Assert.NotEqual(id, DeliveredSecretPolicy.CommandId("1", "200", "abcdef012345", Window + Day));
        Assert.NotEqual(id, DeliveredSecretPolicy.CommandId("1", "201", "abcdef012345", Window));
        Assert.NotEqual(id, DeliveredSecretPolicy.CommandId("2", "200", "abcdef012345", Window));
        // Never the id of the sweep's own scheduled rotation of the client in that window.
        Assert.NotEqual(RotationPolicy.CommandId("1", "200", Window), id);
    }

    [Fact]
    public void OrderKey_ChangesFromOneCycleToTheNext_SoTheRateLimitDoesNotAlwaysLeaveTheSameClients()
    {
        var thisCycle = Clients.Take(50).OrderBy(c => DeliveredSecretPolicy.OrderKey("1", c, Window, Day, 4)).ToList();
        var sameCycle = Clients.Take(50).OrderBy(c => DeliveredSecretPolicy.OrderKey("1", c, Window, Day, 4)).ToList();
        var nextCycle = Clients.Take(50).OrderBy(c => DeliveredSecretPolicy.OrderKey("1", c, Window + (Day * 4), Day, 4)).ToList();
        Assert.Equal(thisCycle, sameCycle);
        Assert.NotEqual(thisCycle, nextCycle);
    }

    [Fact]
    public void Reason_NamesWhereAndWhichSecret_NeverTheSecret() =>
        Assert.Equal(
            "Wacht rejects the secret at files:prod/app/oc_x.json (fingerprint abcdef012345); rotating to restore a working one",
            DeliveredSecretPolicy.Reason("files", "prod/app/oc_x.json", "abcdef012345"));
}
