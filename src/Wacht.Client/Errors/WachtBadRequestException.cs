using System.Net;

namespace Wacht.Client;

/// <summary>The server answered 400 validation error; permanent.</summary>
public sealed class WachtBadRequestException : WachtApiException
{
    public WachtBadRequestException(string deploymentId, string operation, string? serverMessage, Exception? innerException = null)
        : base(deploymentId, operation, HttpStatusCode.BadRequest, serverMessage, isTransient: false, retryAfter: null, innerException)
    {
    }
}
