using System.Net;

namespace Wacht.Client;

/// <summary>
/// The server answered with an error status. Subclasses exist for 400, 401, 403, 404, 409, 429 and 408/5xx; this
/// type itself is used for any other status.
/// </summary>
public class WachtApiException : WachtException
{
    public WachtApiException(
        string deploymentId,
        string operation,
        HttpStatusCode statusCode,
        string? serverMessage,
        TimeSpan? retryAfter = null,
        Exception? innerException = null)
        : this(deploymentId, operation, statusCode, serverMessage, WachtStatusCodes.IsTransient(statusCode), retryAfter, innerException)
    {
    }

    protected WachtApiException(
        string deploymentId,
        string operation,
        HttpStatusCode statusCode,
        string? serverMessage,
        bool isTransient,
        TimeSpan? retryAfter,
        Exception? innerException)
        : base(
            $"{Describe(operation, deploymentId)} failed with {DescribeStatus(statusCode)}: {DescribeServerMessage(serverMessage)}"
                + (retryAfter is { } wait ? $" (Retry-After {wait.TotalSeconds:0.###}s)" : ""),
            deploymentId,
            operation,
            statusCode,
            serverMessage,
            isTransient,
            retryAfter,
            innerException)
    {
    }
}
