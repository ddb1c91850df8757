using System.Net;

namespace Wacht.Client;

/// <summary>The server answered 404 (unknown or inactive app, client, scope or key); permanent.</summary>
public sealed class WachtNotFoundException : WachtApiException
{
    public WachtNotFoundException(string deploymentId, string operation, string? serverMessage, Exception? innerException = null)
        : base(deploymentId, operation, HttpStatusCode.NotFound, serverMessage, isTransient: false, retryAfter: null, innerException)
    {
    }
}
