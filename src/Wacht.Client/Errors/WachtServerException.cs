using System.Net;

namespace Wacht.Client;

/// <summary>
/// The server answered 408 or 5xx to a call whose outcome is safe to report (an idempotent call, after the retries).
/// Transient except for 501 and 505. Non-idempotent calls report these statuses as
/// <see cref="WachtOutcomeUnknownException"/> instead.
/// </summary>
public sealed class WachtServerException : WachtApiException
{
    public WachtServerException(string deploymentId, string operation, HttpStatusCode statusCode, string? serverMessage, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(deploymentId, operation, statusCode, serverMessage, WachtStatusCodes.IsTransient(statusCode), retryAfter, innerException)
    {
    }
}
