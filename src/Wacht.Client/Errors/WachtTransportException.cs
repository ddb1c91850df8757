namespace Wacht.Client;

/// <summary>
/// No usable response arrived: a network failure, a timeout of an idempotent call, or a request the client itself
/// could not send (its concurrency or rate-limit queue was full). Transient.
/// </summary>
public sealed class WachtTransportException : WachtException
{
    public WachtTransportException(string deploymentId, string operation, string detail, bool requestMayHaveBeenSent, Exception? innerException = null)
        : base(
            $"{Describe(operation, deploymentId)} failed without a response: {detail}",
            deploymentId,
            operation,
            statusCode: null,
            serverMessage: null,
            isTransient: true,
            retryAfter: null,
            innerException)
    {
        RequestMayHaveBeenSent = requestMayHaveBeenSent;
    }

    /// <summary>False when the request provably never left the client (connection refused, DNS failure, client-side limit).</summary>
    public bool RequestMayHaveBeenSent { get; }
}
