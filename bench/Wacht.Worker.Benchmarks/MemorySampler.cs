using System.Diagnostics;

namespace Wacht.Worker.Benchmarks;

/// <summary>
/// The peak memory of this process: the working set's high-water mark as the kernel keeps it (VmHWM, read at the end),
/// and the managed heap's peak, sampled every 10 ms (the runtime keeps no high-water mark of its own).
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peakGcHeap;

    private MemorySampler()
    {
        _loop = Task.Run(SampleAsync);
    }

    public long PeakGcHeapBytes => Math.Max(Interlocked.Read(ref _peakGcHeap), GC.GetTotalMemory(false));

    public static long PeakWorkingSetBytes()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    public static MemorySampler Start() => new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            do
            {
                var heap = GC.GetTotalMemory(false);
                if (heap > Interlocked.Read(ref _peakGcHeap))
                {
                    Interlocked.Exchange(ref _peakGcHeap, heap);
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }
}
