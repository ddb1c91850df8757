using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Wacht.Client.Tests.Support;

/// <summary>
/// The primary handler of the tests: records every request and answers from a script (in order), then from a
/// fallback. Thread-safe.
/// </summary>
public sealed class StubHttpHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _gate = new();
    private Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>? _fallback;
    private int _inFlight;
    private int _maxInFlight;

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public int MaxConcurrency => Volatile.Read(ref _maxInFlight);

    public RecordedRequest SingleRequest => Assert.Single(Requests);

    public static HttpResponseMessage Json(HttpStatusCode status, string json, Action<HttpResponseMessage>? configure = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        configure?.Invoke(response);
        return response;
    }

    public static HttpResponseMessage Error(HttpStatusCode status, string message, Action<HttpResponseMessage>? configure = null) =>
        Json(status, $$"""{"errors":[{"message":"{{message}}","code":{{(int)status}}}]}""", configure);

    public StubHttpHandler Then(Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> responder)
    {
        _script.Enqueue(responder);
        return this;
    }

    public StubHttpHandler ThenJson(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        Then((_, _) => Task.FromResult(Json(status, json)));

    public StubHttpHandler ThenStatus(HttpStatusCode status, string body = "", Action<HttpResponseMessage>? configure = null) =>
        Then((_, _) =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body) };
            configure?.Invoke(response);
            return Task.FromResult(response);
        });

    public StubHttpHandler ThenError(HttpStatusCode status, string message = "Something went wrong", Action<HttpResponseMessage>? configure = null) =>
        Then((_, _) => Task.FromResult(Error(status, message, configure)));

    /// <summary>Never answers; ends only when the attempt (or the caller) cancels.</summary>
    public StubHttpHandler ThenStall() =>
        Then(async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            throw new InvalidOperationException("unreachable");
        });

    public StubHttpHandler ThenThrow(Exception exception) => Then((_, _) => Task.FromException<HttpResponseMessage>(exception));

    public StubHttpHandler ThenConnectionRefused() =>
        ThenThrow(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (api.test.local:443)", new SocketException((int)SocketError.ConnectionRefused)));

    public StubHttpHandler ThenConnectionReset() =>
        ThenThrow(new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.", new IOException("Connection reset by peer")));

    public StubHttpHandler Always(Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> responder)
    {
        _fallback = responder;
        return this;
    }

    public StubHttpHandler AlwaysJson(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        Always((_, _) => Task.FromResult(Json(status, json)));

    public StubHttpHandler AlwaysError(HttpStatusCode status, string message = "Something went wrong", Action<HttpResponseMessage>? configure = null) =>
        Always((_, _) => Task.FromResult(Error(status, message, configure)));

    public StubHttpHandler AlwaysStall() =>
        Always(async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            throw new InvalidOperationException("unreachable");
        });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var recorded = await RecordedRequest.CaptureAsync(request);
        lock (_gate)
        {
            _requests.Add(recorded);
        }

        var inFlight = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _maxInFlight, inFlight);
        try
        {
            var responder = _script.TryDequeue(out var next)
                ? next
                : _fallback ?? throw new InvalidOperationException($"No response scripted for {recorded.Method} {recorded.Path}.");
            var response = await responder(recorded, cancellationToken);
            response.RequestMessage = request;
            return response;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
