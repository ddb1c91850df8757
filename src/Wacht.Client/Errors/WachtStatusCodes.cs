using System.Net;

namespace Wacht.Client;

/// <summary>The contract's classification of HTTP statuses.</summary>
internal static class WachtStatusCodes
{
    /// <summary>408, 429 and 5xx except 501 (Not Implemented) and 505 (HTTP Version Not Supported).</summary>
    public static bool IsTransient(HttpStatusCode statusCode)
    {
        var code = (int)statusCode;
        return code is 408 or 429 || (code >= 500 && code <= 599 && code is not 501 and not 505);
    }

    /// <summary>Statuses that may mean the server acted on the request before failing: 408 and 5xx.</summary>
    public static bool MayHaveBeenProcessed(HttpStatusCode statusCode)
    {
        var code = (int)statusCode;
        return code is 408 || (code >= 500 && code <= 599);
    }
}
