using System.Net;

namespace Wacht.Client;

/// <summary>The server answered 403; permanent.</summary>
public sealed class WachtForbiddenException : WachtApiException
{
    public WachtForbiddenException(string deploymentId, string operation, string? serverMessage, Exception? innerException = null)
        : base(deploymentId, operation, HttpStatusCode.Forbidden, serverMessage, isTransient: false, retryAfter: null, innerException)
    {
    }
}
