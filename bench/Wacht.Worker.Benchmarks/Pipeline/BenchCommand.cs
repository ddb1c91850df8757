using Wacht.Emulator;

namespace Wacht.Worker.Benchmarks.Pipeline;

/// <summary>One RevokeGrant of the command pipeline's load: an active grant of the generated world.</summary>
internal sealed record BenchCommand(Guid CommandId, string DeploymentId, string AppSlug, string OAuthClientId, string GrantId);

/// <summary>
/// The active grants of the world, handed out once each (every run revokes grants nobody revoked yet, so the worker and
/// the floor make the same two calls for each command).
/// </summary>
internal sealed class GrantPool
{
    private readonly List<(string DeploymentId, string AppSlug, string ClientId, Queue<string> Grants)> _clients;
    private int _next;

    public GrantPool(EmulatorSeed seed)
    {
        // Clients interleaved across deployments, so a spread-out load spreads over every deployment too.
        var perDeployment = seed.Deployments
            .Select(d => d.Apps.SelectMany(a => a.Clients.Select(c => (d.Id!, a.Slug!, c.Id!, new Queue<string>(c.Grants.Where(static g => g.Status == "active").Select(static g => g.Id!))))).ToList())
            .ToList();
        _clients = [];
        for (var i = 0; perDeployment.Any(l => i < l.Count); i++)
        {
            _clients.AddRange(perDeployment.Where(l => i < l.Count).Select(l => l[i]));
        }
    }

    /// <summary><paramref name="count"/> commands, consecutive ones for different clients.</summary>
    public List<BenchCommand> SpreadOut(int count)
    {
        var commands = new List<BenchCommand>(count);
        for (var misses = 0; commands.Count < count && misses < _clients.Count; _next = (_next + 1) % _clients.Count)
        {
            var (deployment, app, client, grants) = _clients[_next];
            if (grants.Count == 0)
            {
                misses++;
                continue;
            }

            misses = 0;
            commands.Add(new BenchCommand(Guid.NewGuid(), deployment, app, client, grants.Dequeue()));
        }

        return commands.Count == count ? commands : throw new InvalidOperationException("The world has too few active grants for this load.");
    }

    /// <summary><paramref name="count"/> commands in runs of <paramref name="runLength"/> for the same client (what the audit's revocations look like).</summary>
    public List<BenchCommand> SameClientRuns(int count, int runLength)
    {
        var commands = new List<BenchCommand>(count);
        for (var i = 0; commands.Count < count && i < _clients.Count * 2; i++, _next = (_next + 1) % _clients.Count)
        {
            var (deployment, app, client, grants) = _clients[_next];
            if (grants.Count < runLength)
            {
                continue;
            }

            for (var k = 0; k < runLength && commands.Count < count; k++)
            {
                commands.Add(new BenchCommand(Guid.NewGuid(), deployment, app, client, grants.Dequeue()));
            }
        }

        return commands.Count == count ? commands : throw new InvalidOperationException("The world has too few clients with enough active grants for this load.");
    }
}
