namespace Wacht.Client.IntegrationTests;

/// <summary>Counts the requests the client sends, whatever their path (the emulator counts routed calls only).</summary>
public sealed class RequestCounter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public DelegatingHandler CreateHandler() => new Handler(this);

    private sealed class Handler(RequestCounter counter) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref counter._count);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
