using Microsoft.Extensions.DependencyInjection;
using Wacht.Client;

namespace Wacht.Worker.Tests.Support;

/// <summary>
/// Counts every request the worker's Wacht client sends (each attempt, whatever its path). The emulator's call counter
/// counts routed calls only, so a request that a dot segment re-routed to no route at all would not show there.
/// </summary>
public sealed class OutgoingRequests
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _requests = new();

    public int Count => _requests.Count;

    /// <summary>Method and path of each request, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>For the services hook of <c>HarnessWorld.StartAsync</c>.</summary>
    public void Register(IServiceCollection services) =>
        // Added after AddWachtClient, so the handler sits under the client's resilience pipeline.
        services.AddHttpClient(WachtServiceCollectionExtensions.HttpClientName).AddHttpMessageHandler(() => new Handler(this));

    private sealed class Handler(OutgoingRequests owner) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            owner._requests.Enqueue($"{request.Method} {request.RequestUri?.AbsolutePath}");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
