using System.Net;

namespace Wacht.Client;

/// <summary>Maps an error status to the typed exception.</summary>
internal static class WachtExceptionFactory
{
    public static WachtApiException FromStatus(string deploymentId, string operation, HttpStatusCode statusCode, string? serverMessage, TimeSpan? retryAfter) =>
        (int)statusCode switch
        {
            400 => new WachtBadRequestException(deploymentId, operation, serverMessage),
            401 => new WachtUnauthorizedException(deploymentId, operation, serverMessage),
            403 => new WachtForbiddenException(deploymentId, operation, serverMessage),
            404 => new WachtNotFoundException(deploymentId, operation, serverMessage),
            409 => new WachtConflictException(deploymentId, operation, serverMessage),
            429 => new WachtRateLimitedException(deploymentId, operation, serverMessage, retryAfter),
            408 or (>= 500 and <= 599) => new WachtServerException(deploymentId, operation, statusCode, serverMessage, retryAfter),
            _ => new WachtApiException(deploymentId, operation, statusCode, serverMessage, retryAfter),
        };
}
