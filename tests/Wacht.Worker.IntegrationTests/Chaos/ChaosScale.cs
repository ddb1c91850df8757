namespace Wacht.Worker.IntegrationTests.Chaos;

/// <summary>
/// How hard the chaos suite pushes: <c>small</c> (the default, what every test run does) or <c>full</c>
/// (<c>WACHT_CHAOS_SCALE=full</c>, what <c>./build.sh chaos</c> runs and docs/reliability.md reports).
/// </summary>
internal sealed record ChaosScale(string Name, int Rotations, int Kills, int BrokerRestarts, TimeSpan SettleBound)
{
    public static readonly ChaosScale Small = new("small", Rotations: 40, Kills: 3, BrokerRestarts: 2, TimeSpan.FromMinutes(4));

    public static readonly ChaosScale Full = new("full", Rotations: 500, Kills: 20, BrokerRestarts: 6, TimeSpan.FromMinutes(15));

    public static ChaosScale Current =>
        string.Equals(Environment.GetEnvironmentVariable("WACHT_CHAOS_SCALE"), "full", StringComparison.OrdinalIgnoreCase) ? Full : Small;
}
