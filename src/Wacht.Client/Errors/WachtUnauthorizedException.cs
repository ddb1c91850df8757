using System.Net;

namespace Wacht.Client;

/// <summary>The server answered 401, the API key is missing, wrong or revoked; permanent.</summary>
public sealed class WachtUnauthorizedException : WachtApiException
{
    public WachtUnauthorizedException(string deploymentId, string operation, string? serverMessage, Exception? innerException = null)
        : base(deploymentId, operation, HttpStatusCode.Unauthorized, serverMessage, isTransient: false, retryAfter: null, innerException)
    {
    }
}
