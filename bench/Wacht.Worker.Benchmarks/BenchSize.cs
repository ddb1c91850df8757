using Wacht.Emulator;

namespace Wacht.Worker.Benchmarks;

/// <summary>A world and a command load, by name (<c>--size</c>).</summary>
internal sealed record BenchSize(string Name, int Deployments, int Apps, int Clients, int Grants, int Commands, int RunLength)
{
    public static readonly IReadOnlyList<BenchSize> All =
    [
        // CI's: keeps the benchmark working, measures nothing.
        new("smoke", 1, 2, 10, 12, 20, 4),
        new("small", 2, 4, 25, 25, 200, 10),
        // The issue's reference world: 50,000 grants, 2,022 API calls for the audit.
        new("default", 2, 10, 100, 25, 1_000, 10),
        // Ten times the clients: 500,000 grants, 20,022 calls.
        new("large", 2, 10, 1_000, 25, 2_000, 10),
    ];

    public int TotalClients => Deployments * Apps * Clients;

    public int TotalGrants => TotalClients * Grants;

    /// <summary>The audit's calls: list apps per deployment, clients per app, grants per client.</summary>
    public int AuditCalls => Deployments + (Deployments * Apps) + TotalClients;

    /// <summary>The sweep's calls: list apps per deployment, clients per app.</summary>
    public int SweepCalls => Deployments + (Deployments * Apps);

    public string Describe() =>
        $"{Deployments} deployments x {Apps} apps x {Clients} clients x {Grants} grants = {TotalGrants:N0} grants";

    public static BenchSize Parse(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown size '{name}' (use {string.Join(", ", All.Select(s => s.Name))})");

    public SeedGeneratorOptions Generator() => new()
    {
        Deployments = Deployments,
        AppsPerDeployment = Apps,
        ClientsPerApp = Clients,
        GrantsPerClient = Grants,
        ExpiredGrantShare = 0.2,
        RevokedGrantShare = 0.1,
        InactiveClientShare = 0.1,
        RandomSeed = 42,
        // A fixed "now": the same world, and the same findings, on every run.
        Now = new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero),
    };
}
