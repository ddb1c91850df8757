using Wacht.Worker.Ledger;

namespace Wacht.Worker.Tests.Ledger;

public sealed class InProcessClientLockTests
{
    private readonly InProcessClientLock _lock = new();

    [Fact]
    public async Task Acquire_SameKey_WaitsUntilTheHolderReleases()
    {
        var held = await _lock.AcquireAsync("7283910238471/client-42", CancellationToken.None);

        var waiting = _lock.AcquireAsync("7283910238471/client-42", CancellationToken.None).AsTask();
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);

        await held.DisposeAsync();
        await (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).DisposeAsync();
        Assert.Equal(0, _lock.ActiveKeys);
    }

    [Fact]
    public async Task Acquire_OtherKey_CompletesAtOnce()
    {
        await using var held = await _lock.AcquireAsync("a", CancellationToken.None);

        var other = _lock.AcquireAsync("b", CancellationToken.None);

        Assert.True(other.IsCompleted);
        await (await other).DisposeAsync();
    }

    [Fact]
    public async Task Acquire_Cancelled_ThrowsAndLeavesNothingBehind()
    {
        var held = await _lock.AcquireAsync("a", CancellationToken.None);
        using var cancellation = new CancellationTokenSource();

        var waiting = _lock.AcquireAsync("a", cancellation.Token).AsTask();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await held.DisposeAsync();
        Assert.Equal(0, _lock.ActiveKeys);
        await (await _lock.AcquireAsync("a", CancellationToken.None)).DisposeAsync();
    }

    [Fact]
    public async Task Release_Twice_ReleasesOnce()
    {
        var held = await _lock.AcquireAsync("a", CancellationToken.None);
        await held.DisposeAsync();
        var next = await _lock.AcquireAsync("a", CancellationToken.None);

        await held.DisposeAsync();

        var waiting = _lock.AcquireAsync("a", CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        await next.DisposeAsync();
        await (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).DisposeAsync();
    }
}
