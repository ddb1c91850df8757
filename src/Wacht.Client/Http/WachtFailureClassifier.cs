using System.Net.Sockets;
using Polly;
using Polly.Timeout;

namespace Wacht.Client;

/// <summary>Decides what counts as transient and what provably never reached the server.</summary>
internal static class WachtFailureClassifier
{
    /// <summary>
    /// A failure to establish the connection (DNS failure, connection refused, unreachable network): no byte of the
    /// request was sent, so even a non-idempotent call may be tried again.
    /// </summary>
    public static bool IsConnectFailure(Exception exception)
    {
        if (exception is not HttpRequestException http)
        {
            return false;
        }

        if (http.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError)
        {
            return true;
        }

        for (var inner = http.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException
                {
                    SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.TryAgain
                        or SocketError.NoData or SocketError.HostUnreachable or SocketError.NetworkUnreachable
                        or SocketError.AddressNotAvailable,
                })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Transient failures without a response: network errors and attempt timeouts.</summary>
    public static bool IsTransientException(Exception exception) =>
        exception is HttpRequestException or TimeoutRejectedException or IOException;

    /// <summary>What the circuit breaker counts as a failure.</summary>
    public static bool IsBreakerFailure(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception
            ? IsTransientException(exception)
            : outcome.Result is { } response && WachtStatusCodes.IsTransient(response.StatusCode);
}
