namespace Wacht.Worker.Messaging.Watchdog;

/// <summary>What the watchdog does after one look at the command endpoints.</summary>
internal enum WatchdogAction
{
    /// <summary>Nothing: every endpoint consumes, the broker is down (MassTransit reconnects by itself), or not long enough yet.</summary>
    None,

    /// <summary>Stop and start the bus: its endpoints are re-created with their consumers.</summary>
    RestartBus,

    /// <summary>A restart did not bring the consumers back: stop the process so its supervisor starts a fresh one.</summary>
    StopProcess,
}

/// <summary>What the watchdog remembers between looks.</summary>
/// <param name="UnhealthySince">Since when some endpoint has had no consumer while the broker answered; null while all consume.</param>
/// <param name="Restarted">Whether the bus was already restarted for this episode.</param>
internal sealed record WatchdogState(DateTimeOffset? UnhealthySince, bool Restarted)
{
    public static readonly WatchdogState Healthy = new(null, false);
}

/// <summary>
/// The watchdog's decision, kept pure so its table test covers every case. The case it exists for: after broker
/// restarts a receive endpoint can come back without its consumer and stay so, silently (RabbitMQ.Client 7 and
/// MassTransit 8 as served here; compare rabbitmq/rabbitmq-dotnet-client#1930), while the broker itself is fine.
/// A broker that does not answer is not that case: MassTransit keeps reconnecting and readiness reports it, and
/// restarting a process that cannot reach its broker only adds a crash loop.
/// </summary>
internal static class WatchdogPolicy
{
    public static (WatchdogState State, WatchdogAction Action) Decide(
        WatchdogState state, DateTimeOffset now, int endpointsNotConsuming, bool brokerAnswers, TimeSpan restartAfter)
    {
        if (endpointsNotConsuming == 0)
        {
            return (WatchdogState.Healthy, WatchdogAction.None);
        }

        if (!brokerAnswers)
        {
            // The clock starts again once the broker is back: the endpoints get the usual reconnection time.
            return (state with { UnhealthySince = null }, WatchdogAction.None);
        }

        if (state.UnhealthySince is not { } since)
        {
            return (state with { UnhealthySince = now }, WatchdogAction.None);
        }

        if (now - since < restartAfter)
        {
            return (state, WatchdogAction.None);
        }

        return state.Restarted
            ? (state, WatchdogAction.StopProcess)
            : (new WatchdogState(now, Restarted: true), WatchdogAction.RestartBus);
    }
}
