using System.Net;

namespace Wacht.Client;

/// <summary>
/// The server answered with a success status but a body the client could not read. The server DID process the
/// request: for rotateOAuthClientSecret this means the old secret is already invalid while the new one is unknown.
/// Not transient.
/// </summary>
public sealed class WachtResponseFormatException : WachtException
{
    public WachtResponseFormatException(string deploymentId, string operation, HttpStatusCode statusCode, string detail, Exception? innerException = null)
        : base(
            $"{Describe(operation, deploymentId)} answered {DescribeStatus(statusCode)} with a body that could not be read: {detail}",
            deploymentId,
            operation,
            statusCode,
            serverMessage: null,
            isTransient: false,
            retryAfter: null,
            innerException)
    {
    }
}
