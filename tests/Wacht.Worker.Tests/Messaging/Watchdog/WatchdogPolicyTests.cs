using Wacht.Worker.Messaging.Watchdog;

namespace Wacht.Worker.Tests.Messaging.Watchdog;

public sealed class WatchdogPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan After = TimeSpan.FromSeconds(60);

    public static TheoryData<string, int?, bool, int, bool, string, int?, bool> Cases => new()
    {
        // name, unhealthy since (s before now) | restarted, not consuming, broker answers, -> action, since after, restarted after
        { "all consume", null, false, 0, true, nameof(WatchdogAction.None), null, false },
        { "all consume again after an episode", 30, true, 0, true, nameof(WatchdogAction.None), null, false },
        { "first look without a consumer starts the clock", null, false, 1, true, nameof(WatchdogAction.None), 0, false },
        { "not long enough", 59, false, 1, true, nameof(WatchdogAction.None), 59, false },
        { "long enough: restart the bus", 60, false, 1, true, nameof(WatchdogAction.RestartBus), 0, true },
        { "after a restart, not long enough", 59, true, 3, true, nameof(WatchdogAction.None), 59, true },
        { "after a restart, still not consuming: stop the process", 60, true, 1, true, nameof(WatchdogAction.StopProcess), 60, true },
        { "broker down: never acts, clock reset", 600, false, 3, false, nameof(WatchdogAction.None), null, false },
        { "broker down after a restart: clock reset, restart remembered", 600, true, 3, false, nameof(WatchdogAction.None), null, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide(string name, int? sinceSeconds, bool restarted, int notConsuming, bool brokerAnswers,
        string expectedAction, int? expectedSinceSeconds, bool expectedRestarted)
    {
        var state = new WatchdogState(sinceSeconds is { } s ? T0.AddSeconds(-s) : null, restarted);

        var (next, action) = WatchdogPolicy.Decide(state, T0, notConsuming, brokerAnswers, After);

        Assert.True(expectedAction == action.ToString(), $"{name}: action {action}");
        Assert.True((expectedSinceSeconds is { } e ? T0.AddSeconds(-e) : (DateTimeOffset?)null) == next.UnhealthySince, $"{name}: since {next.UnhealthySince}");
        Assert.True(expectedRestarted == next.Restarted, $"{name}: restarted {next.Restarted}");
    }
}
