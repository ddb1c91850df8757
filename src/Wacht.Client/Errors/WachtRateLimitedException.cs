using System.Net;

namespace Wacht.Client;

/// <summary>
/// The server answered 429. Transient; <see cref="WachtException.RetryAfter"/> carries the server's Retry-After
/// when it sent one (also when it exceeded <c>MaxRetryAfter</c> and the client therefore stopped retrying).
/// </summary>
public sealed class WachtRateLimitedException : WachtApiException
{
    public WachtRateLimitedException(string deploymentId, string operation, string? serverMessage, TimeSpan? retryAfter, Exception? innerException = null)
        : base(deploymentId, operation, HttpStatusCode.TooManyRequests, serverMessage, isTransient: true, retryAfter, innerException)
    {
    }
}
