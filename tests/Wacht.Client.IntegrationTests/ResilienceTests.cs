using System.Diagnostics;
using Wacht.Emulator;

namespace Wacht.Client.IntegrationTests;

/// <summary>
/// Retries, timeouts, circuit breaking and cancellation against the emulator's fault injection. The emulator's call
/// counter is the witness of how many requests really reached the server.
/// </summary>
public sealed class ResilienceTests
{
    private const string Deployment = World.BackendDeployment;

    [Fact]
    public async Task TooManyRequestsWithRetryAfter_IsWaitedOutAndThenSucceeds()
    {
        await using var world = await World.StartAsync();
        world.Emulator.Faults.Add(new FaultRule { Operation = "listOAuthApps", ErrorStatus = 429, RetryAfterSeconds = 1, Remaining = 1 });
        var clock = Stopwatch.StartNew();

        var apps = await world.Client(Deployment).ListOAuthAppsAsync();

        Assert.Single(apps);
        Assert.Equal(2, world.Emulator.Calls.Count("listOAuthApps", Deployment));
        // The retry waited for the server's Retry-After rather than the 50 ms base delay.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {clock.Elapsed}");
    }

    [Fact]
    public async Task ServiceUnavailableOnAGet_IsRetriedUntilItSucceeds()
    {
        await using var world = await World.StartAsync();
        world.Emulator.Faults.Add(new FaultRule { Operation = "listOAuthClients", ErrorStatus = 503, Remaining = 2 });

        var clients = await world.Client(Deployment).ListOAuthClientsAsync(World.AppSlug);

        Assert.Equal(2, clients.Count);
        Assert.Equal(3, world.Emulator.Calls.Count("listOAuthClients", Deployment));
    }

    [Fact]
    public async Task PersistentServerErrorsOnAGet_GiveUpAfterTheRetryBudgetWithATransientError()
    {
        await using var world = await World.StartAsync();
        world.Emulator.Faults.Add(new FaultRule { Operation = "listOAuthApps", ErrorStatus = 502 });

        var error = await Assert.ThrowsAsync<WachtServerException>(() => world.Client(Deployment).ListOAuthAppsAsync());

        Assert.True(error.IsTransient);
        Assert.Equal(System.Net.HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Equal(4, world.Emulator.Calls.Count("listOAuthApps", Deployment)); // 1 try + MaxRetries (3)
    }

    [Fact]
    public async Task RevokeGrant_IsRetriedOnGatewayTimeoutBecauseItIsIdempotent()
    {
        await using var world = await World.StartAsync();
        var target = await world.FindClientAsync(Deployment, World.ServiceClientName);
        var grant = (await world.Client(Deployment).ListOAuthGrantsAsync(World.AppSlug, target.Id)).First(g => g.Status == "active");
        world.Emulator.Faults.Add(new FaultRule { Operation = "revokeOAuthGrant", ErrorStatus = 504, Remaining = 1 });

        await world.Client(Deployment).RevokeOAuthGrantAsync(World.AppSlug, target.Id, grant.Id);

        Assert.Equal(2, world.Emulator.Calls.Count("revokeOAuthGrant", Deployment));
    }

    [Fact]
    public async Task RotateUnderAStall_IsOutcomeUnknownAndIsNotRepeated()
    {
        await using var world = await World.StartAsync();
        var target = await world.FindClientAsync(Deployment, World.ServiceClientName);
        // The stall outlasts the 2 s request timeout; the emulator still rotates afterwards, as a real server would.
        world.Emulator.Faults.Add(new FaultRule { Operation = "rotateOAuthClientSecret", StallMs = 3_000, Remaining = 1 });

        var error = await Assert.ThrowsAsync<WachtOutcomeUnknownException>(() => world.Client(Deployment).RotateOAuthClientSecretAsync(World.AppSlug, target.Id));

        Assert.True(error.IsTransient);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // let the stalled request finish on the server
        Assert.Equal(1, world.Emulator.Calls.Count("rotateOAuthClientSecret", Deployment));
        // The server did rotate: the old secret is dead, which is why the caller must treat the outcome as unknown.
        Assert.False(world.Emulator.IsCurrentSecret(target.ClientId, world.SeededSecrets[Deployment]));
    }

    [Fact]
    public async Task RotateWhoseResponseIsLost_IsOutcomeUnknownAndIsNotRepeated()
    {
        await using var world = await World.StartAsync();
        var target = await world.FindClientAsync(Deployment, World.ServiceClientName);
        world.Emulator.Faults.Add(new FaultRule { Operation = "rotateOAuthClientSecret", LoseResponse = true, Remaining = 1 });

        await Assert.ThrowsAsync<WachtOutcomeUnknownException>(() => world.Client(Deployment).RotateOAuthClientSecretAsync(World.AppSlug, target.Id));

        Assert.Equal(1, world.Emulator.Calls.Count("rotateOAuthClientSecret", Deployment));
        Assert.False(world.Emulator.IsCurrentSecret(target.ClientId, world.SeededSecrets[Deployment]));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task RotateAnsweredWithAServerError_IsNotRetried(int status)
    {
        await using var world = await World.StartAsync();
        var target = await world.FindClientAsync(Deployment, World.ServiceClientName);
        world.Emulator.Faults.Add(new FaultRule { Operation = "rotateOAuthClientSecret", ErrorStatus = status, Remaining = 1 });

        var error = await Assert.ThrowsAnyAsync<WachtException>(() => world.Client(Deployment).RotateOAuthClientSecretAsync(World.AppSlug, target.Id));

        Assert.True(error.IsTransient);
        Assert.Equal(1, world.Emulator.Calls.Count("rotateOAuthClientSecret", Deployment));
    }

    [Fact]
    public async Task CreateClientUnderAStall_IsOutcomeUnknownAndIsNotRepeated()
    {
        await using var world = await World.StartAsync();
        world.Emulator.Faults.Add(new FaultRule { Operation = "createOAuthClient", StallMs = 3_000, Remaining = 1 });

        await Assert.ThrowsAsync<WachtOutcomeUnknownException>(() => world.Client(Deployment).CreateOAuthClientAsync(World.AppSlug, new CreateOAuthClientRequest
        {
            ClientAuthMethod = ClientAuthMethods.ClientSecretBasic,
            GrantTypes = ["client_credentials"],
            ClientName = "created-under-stall",
        }));

        Assert.Equal(1, world.Emulator.Calls.Count("createOAuthClient", Deployment));
    }

    [Fact]
    public async Task AStalledGet_TimesOutPerAttemptAndIsRetried()
    {
        await using var world = await World.StartAsync();
        world.Emulator.Faults.Add(new FaultRule { Operation = "listOAuthApps", StallMs = 3_000, Remaining = 1 });

        var apps = await world.Client(Deployment).ListOAuthAppsAsync();

        Assert.Single(apps);
        Assert.Equal(2, world.Emulator.Calls.Count("listOAuthApps", Deployment));
    }

    [Fact]
    public async Task Cancellation_StopsARetrySequencePromptly()
    {
        await using var world = await World.StartAsync(settings =>
        {
            settings[$"Wacht:Deployments:{Deployment}:MaxRetries"] = "10";
            settings[$"Wacht:Deployments:{Deployment}:RetryBaseDelay"] = "00:00:01";
        });
        world.Emulator.Faults.Add(new FaultRule { Operation = "listOAuthApps", ErrorStatus = 503 });
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var call = world.Client(Deployment).ListOAuthAppsAsync(cancellation.Token);
        var first = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(10)));

        // Ten retries with a 1 s base delay would take far longer than 10 s; cancellation ends it instead.
        Assert.Same(call, first);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.True(world.Emulator.Calls.Count("listOAuthApps", Deployment) < 4);
    }

    [Fact]
    public async Task CircuitBreaker_OpensForAFailingDeploymentOnly()
    {
        await using var world = await World.StartAsync(settings =>
        {
            foreach (var id in new[] { World.BackendDeployment, World.PlatformDeployment })
            {
                settings[$"Wacht:Deployments:{id}:MaxRetries"] = "0";
                settings[$"Wacht:Deployments:{id}:CircuitBreaker:MinimumThroughput"] = "4";
                settings[$"Wacht:Deployments:{id}:CircuitBreaker:FailureRatio"] = "0.5";
                settings[$"Wacht:Deployments:{id}:CircuitBreaker:BreakDuration"] = "00:00:30";
            }
        });
        world.Emulator.Faults.Add(new FaultRule { Operation = "*", DeploymentId = World.BackendDeployment, ErrorStatus = 503 });
        var failing = world.Client(World.BackendDeployment);

        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<WachtServerException>(() => failing.ListOAuthAppsAsync());
        }

        var open = await Assert.ThrowsAsync<WachtCircuitOpenException>(() => failing.ListOAuthAppsAsync());
        Assert.True(open.IsTransient);
        Assert.Equal(4, world.Emulator.Calls.Count("listOAuthApps", World.BackendDeployment)); // the open circuit sent nothing
        Assert.Single(await world.Client(World.PlatformDeployment).ListOAuthAppsAsync());
    }
}
