using Microsoft.Extensions.DependencyInjection;
using Wacht.Client;

namespace Wacht.Worker.Tests.Support;

/// <summary>
/// Counts every request the worker's Wacht client sends (each attempt, whatever its path). The emulator's call counter
/// counts routed calls only, so a request that a dot segment re-routed to no route at all would not show there.
/// </summary>
public sealed class OutgoingRequests
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>For <see cref="HarnessWorld.StartAsync(Action{Dictionary{string, string}}?, Action{IServiceCollection}?)"/>'s services hook.</summary>
    public void Register(IServiceCollection services) =>
        // Added after AddWachtClient, so the handler sits under the client's resilience pipeline.
        services.AddHttpClient(WachtServiceCollectionExtensions.HttpClientName).AddHttpMessageHandler(() => new Handler(this));

    private sealed class Handler(OutgoingRequests owner) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref owner._count);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
