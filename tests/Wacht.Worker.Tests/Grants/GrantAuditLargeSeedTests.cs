using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.Jobs;
using Xunit.Abstractions;

namespace Wacht.Worker.Tests.Grants;

/// <summary>The audit over a generated world of 2,000 clients and 50,000 grants, counted exactly per kind.</summary>
public sealed class GrantAuditLargeSeedTests(ITestOutputHelper output)
{
    [Fact]
    public async Task GeneratedSeed_2000Clients_50000Grants_FindingsCountedExactlyPerKind()
    {
        var generator = new SeedGeneratorOptions
        {
            Deployments = 2,
            AppsPerDeployment = 10,
            ClientsPerApp = 100,
            GrantsPerClient = 25,
            ExpiredGrantShare = 0.2,
            RevokedGrantShare = 0.1,
            InactiveClientShare = 0.1,
            RandomSeed = 4242,
            Now = AuditWorld.Now,
        };
        var seed = SeedGenerator.Generate(generator);

        // The expectation, counted straight from the seed object (before the emulator sees it).
        var grants = (
            from d in seed.Deployments
            from a in d.Apps
            from c in a.Clients
            from g in c.Grants
            select (App: a, Client: c, Grant: g)).ToList();
        var active = grants.Where(x => x.Grant.Status == "active").ToList();
        var expired = active.Count(x => x.Grant.ExpiresAt <= AuditWorld.Now);
        var notSupported = active.Count(x => x.Grant.Scopes.Any(s => !x.App.SupportedScopes.Contains(s)));
        var archived = active.Count(x => x.Grant.Scopes.Any(s => x.App.ScopeDefinitions.Any(d => d.Archived && d.Scope == s)));
        var clientInactive = active.Count(x => !x.Client.IsActive);
        var appInactive = active.Count(x => !x.App.IsActive);

        // The generator's exact shares: 20 % of 50,000 grants are expired-but-active.
        Assert.Equal(50_000, grants.Count);
        Assert.Equal((int)Math.Round(50_000 * generator.ExpiredGrantShare, MidpointRounding.AwayFromZero), expired);
        Assert.Equal(10_000, expired);
        // Every generated scope is one of the app's five supported scopes; every app is active.
        Assert.Equal(0, notSupported);
        Assert.Equal(0, appInactive);
        // Odd-numbered apps (a % 2 == 1) archive their "{word}:admin" definition: half the apps, so some grants.
        Assert.Equal(10, seed.Deployments.SelectMany(d => d.Apps).Count(a => a.ScopeDefinitions.Any(s => s.Archived && s.Scope.EndsWith(":admin", StringComparison.Ordinal))));
        Assert.InRange(archived, 1, active.Count - 1);
        Assert.Equal(200, seed.Deployments.SelectMany(d => d.Apps).SelectMany(a => a.Clients).Count(c => !c.IsActive));
        Assert.InRange(clientInactive, 1, active.Count - 1);

        await using var w = await AuditWorld.StartAsync(
            seed,
            s =>
            {
                s["Worker:GrantAudit:MaxParallelism"] = "16";
                // The generated seed measures the grant rules; the credential rules have their own table and demo-seed tests.
                s["Worker:GrantAudit:Credentials"] = "false";
            },
            maxConcurrentRequests: 16,
            // Tens of thousands of per-finding Debug lines would only measure the log capture.
            minimumLogLevel: LogLevel.Information);
        var stopwatch = Stopwatch.StartNew();
        var report = await w.Audit.RunAsync(new JobRunRequest(JobTriggers.Manual, CollectItems: false), CancellationToken.None);
        stopwatch.Stop();
        output.WriteLine($"Audit of 2 deployments, 2,000 clients, 50,000 grants: {stopwatch.Elapsed.TotalSeconds:F1} s; {report.Summary.FindingsPublished} findings published.");

        var summary = report.Summary;
        Assert.Empty(summary.Errors);
        Assert.Empty(report.Findings);
        Assert.Equal((2, 20, 2_000, 50_000), (summary.Deployments, summary.Apps, summary.Clients, summary.Grants));
        Assert.Equal(
            new Dictionary<string, int>
            {
                [FindingKinds.ExpiredButActive] = expired,
                [FindingKinds.ScopeNotSupported] = notSupported,
                [FindingKinds.ScopeArchived] = archived,
                [FindingKinds.ClientInactive] = clientInactive,
                [FindingKinds.AppInactive] = appInactive,
                [FindingKinds.OlderThanMaxAge] = 0,
                [FindingKinds.SigningKeyMissing] = 0,
                [FindingKinds.CompromisedSigningKeyListed] = 0,
                [FindingKinds.SecretNeverRotated] = 0,
            },
            summary.FindingsByKind);
        Assert.Equal(expired + archived + clientInactive, summary.FindingsPublished);
        Assert.Equal(0, summary.RevocationsRequested);
        Assert.Empty(w.SentRevocations());
    }
}
