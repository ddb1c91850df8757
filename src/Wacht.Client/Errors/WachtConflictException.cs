using System.Net;

namespace Wacht.Client;

/// <summary>The server answered 409, e.g. a duplicate app slug; permanent.</summary>
public sealed class WachtConflictException : WachtApiException
{
    public WachtConflictException(string deploymentId, string operation, string? serverMessage, Exception? innerException = null)
        : base(deploymentId, operation, HttpStatusCode.Conflict, serverMessage, isTransient: false, retryAfter: null, innerException)
    {
    }
}
