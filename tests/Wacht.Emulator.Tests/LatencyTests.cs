using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Wacht.Emulator.Tests;

/// <summary>The configured latency (<see cref="EmulatorOptions.LatencyMs"/>, <c>--latency-ms</c>): every call waits it out on the emulator's clock.</summary>
public sealed class LatencyTests
{
    [Fact]
    public async Task LatencyMs_HoldsEveryCallUntilTheEmulatorsClockHasPassedIt()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
        await using var emulator = await TestWorld.StartAsync(o =>
        {
            o.LatencyMs = 20;
            o.TimeProvider = clock;
        });
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var call = api.GetAsync("apps");
        await WaitUntilAsync(() => emulator.Calls.Count(OAuthOperations.ListOAuthApps, TestWorld.DeploymentA) == 1);

        // The clock has not moved: a call that does not wait for it would be answered by now.
        await Task.WhenAny(call, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.False(call.IsCompleted, "answered before the emulator's clock passed the latency");

        // Advanced in steps until answered: the delay's timer may start after a first step.
        while (!call.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMilliseconds(20));
            await Task.WhenAny(call, Task.Delay(TimeSpan.FromMilliseconds(50)));
        }

        Assert.Equal(HttpStatusCode.OK, (await call).Status);
    }

    [Fact]
    public async Task LatencyMs_Negative_IsRefusedAtStart()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => TestWorld.StartAsync(o => o.LatencyMs = -1));
        Assert.Contains("latency_ms must not be negative", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LatencyMs_IsKeptByReset()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
        await using var emulator = await TestWorld.StartAsync(o =>
        {
            o.LatencyMs = 20;
            o.TimeProvider = clock;
        });
        using var api = TestApi.For(emulator, PathStyle.Backend);
        emulator.Reset();

        var call = api.GetAsync("apps");
        await WaitUntilAsync(() => emulator.Calls.Count(OAuthOperations.ListOAuthApps, TestWorld.DeploymentA) == 1);
        await Task.WhenAny(call, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.False(call.IsCompleted, "a reset dropped the configured latency");

        while (!call.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMilliseconds(20));
            await Task.WhenAny(call, Task.Delay(TimeSpan.FromMilliseconds(50)));
        }

        Assert.Equal(HttpStatusCode.OK, (await call).Status);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition(), "the call never reached the emulator");
    }
}
