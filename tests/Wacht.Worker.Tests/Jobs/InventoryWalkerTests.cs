using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.Jobs;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Jobs;

public sealed class InventoryWalkerTests : IAsyncLifetime
{
    private WachtWorld _world = null!;

    public async Task InitializeAsync() => _world = await WachtWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Walk_VisitsEveryClientOfEveryApp_IncludingInactiveOnes()
    {
        await using var services = Services();
        var visited = new ConcurrentBag<string>();

        var totals = await services.GetRequiredService<InventoryWalker>().WalkAsync(
            TargetFilter.All, 4, (visit, _) => { visited.Add(visit.Client.ClientName ?? visit.Client.Id); return ValueTask.CompletedTask; }, default);

        var expected = (await _world.Wacht.ListOAuthClientsAsync(WachtWorld.AppSlug)).Select(c => c.ClientName).Order();
        Assert.Equal(expected, visited.Order());
        Assert.Contains(WachtWorld.InactiveClient, visited);
        Assert.Equal((1, 1, visited.Count, 0), (totals.Deployments, totals.Apps, totals.Clients, totals.FailedClients));
        Assert.Empty(totals.Errors);
    }

    [Fact]
    public async Task UnreachableDeployment_IsReported_AndTheOthersAreStillWalked()
    {
        await using var services = Services(new()
        {
            [$"Wacht:Deployments:{WachtWorld.UnknownDeployment}:BaseUrl"] = "http://127.0.0.1:1/",
            [$"Wacht:Deployments:{WachtWorld.UnknownDeployment}:ApiKey"] = "wk_unreachable_key_0123456789",
            [$"Wacht:Deployments:{WachtWorld.UnknownDeployment}:MaxRetries"] = "0",
        });
        var visited = new ConcurrentBag<string>();

        var totals = await services.GetRequiredService<InventoryWalker>().WalkAsync(
            TargetFilter.All, 4, (visit, _) => { visited.Add(visit.DeploymentId); return ValueTask.CompletedTask; }, default);

        var error = Assert.Single(totals.Errors);
        Assert.Equal((WachtWorld.UnknownDeployment, null, ErrorCodes.WachtUnavailable), (error.DeploymentId, error.AppSlug, error.Code));
        Assert.DoesNotContain("wk_unreachable_key", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, totals.Deployments);
        Assert.NotEmpty(visited);
        Assert.All(visited, d => Assert.Equal(WachtWorld.Deployment, d));
    }

    [Fact]
    public async Task FailingVisit_IsRecordedForThatClient_AndTheWalkGoesOn()
    {
        await using var services = Services();
        var failing = await _world.ClientAsync(WachtWorld.PipelineClient);
        var visited = new ConcurrentBag<string>();

        var totals = await services.GetRequiredService<InventoryWalker>().WalkAsync(TargetFilter.All, 2, async (visit, ct) =>
        {
            if (visit.Client.Id == failing.Id)
            {
                // A real call that Wacht refuses: an unknown grant list path (the app slug is wrong).
                await visit.Wacht.ListOAuthGrantsAsync("no-such-app", visit.Client.Id, ct);
            }

            visited.Add(visit.Client.Id);
        }, default);

        var error = Assert.Single(totals.Errors);
        Assert.Equal((WachtWorld.Deployment, WachtWorld.AppSlug, failing.Id, ErrorCodes.NotFound), (error.DeploymentId, error.AppSlug, error.OAuthClientId, error.Code));
        Assert.Equal(1, totals.FailedClients);
        Assert.Equal(totals.Clients - 1, visited.Count);
    }

    [Fact]
    public async Task Visits_NeverExceedTheParallelismLimit()
    {
        await using var services = Services();
        int running = 0, peak = 0;

        await services.GetRequiredService<InventoryWalker>().WalkAsync(TargetFilter.All, 2, async (_, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(50, ct);
            Interlocked.Decrement(ref running);
        }, default);

        Assert.InRange(peak, 1, 2);
    }

    [Fact]
    public async Task ExcludedApp_IsNotListed()
    {
        await using var services = Services();
        var before = _world.Emulator.Calls.Count("listOAuthClients", WachtWorld.Deployment);

        var totals = await services.GetRequiredService<InventoryWalker>().WalkAsync(
            new TargetFilter([], [$"*/{WachtWorld.AppSlug}"]), 2, (_, _) => ValueTask.CompletedTask, default);

        Assert.Equal((0, 0), (totals.Apps, totals.Clients));
        Assert.Equal(before, _world.Emulator.Calls.Count("listOAuthClients", WachtWorld.Deployment));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private ServiceProvider Services(Dictionary<string, string?>? extra = null)
    {
        var settings = _world.WorkerSettings();
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddWachtClient();
        services.AddSingleton<InventoryWalker>();
        return services.BuildServiceProvider();
    }
}
