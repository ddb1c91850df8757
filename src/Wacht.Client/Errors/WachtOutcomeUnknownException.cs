using System.Net;

namespace Wacht.Client;

/// <summary>
/// A non-idempotent call (create app, create client, rotate secret, rotate or compromise a signing key) failed after
/// the request may have reached the server: a timeout, a broken connection, or a 408/5xx answer. The server may or
/// may not have acted. The client never retries such a call; the caller decides (for a secret rotation: the old secret
/// may already be invalid, so rotate again and persist the new secret). Transient.
/// </summary>
public sealed class WachtOutcomeUnknownException : WachtException
{
    public WachtOutcomeUnknownException(
        string deploymentId,
        string operation,
        string reason,
        HttpStatusCode? statusCode = null,
        string? serverMessage = null,
        Exception? innerException = null)
        : base(
            $"The outcome of {Describe(operation, deploymentId)} is unknown: {reason}"
                + (statusCode is { } status ? $" ({DescribeStatus(status)}: {DescribeServerMessage(serverMessage)})" : "")
                + ". The server may have processed the request; it was not retried.",
            deploymentId,
            operation,
            statusCode,
            serverMessage,
            isTransient: true,
            retryAfter: null,
            innerException)
    {
        Reason = reason;
    }

    /// <summary>Why the outcome is unknown (e.g. a timeout or a 503 answer).</summary>
    public string Reason { get; }
}
