using System.Net;

namespace Wacht.Client;

/// <summary>
/// The app's runtime host answered 404 to a secret check: no active app has that fqdn (a wrong or stale fqdn, an
/// inactive app, or a RuntimeBaseUrl that reaches the wrong server). Permanent. Not a verdict on the secret.
/// </summary>
public sealed class WachtAppHostNotFoundException : WachtApiException
{
    public WachtAppHostNotFoundException(string deploymentId, string operation, string appHost, string? serverMessage, Exception? innerException = null)
        : base(deploymentId, operation, HttpStatusCode.NotFound, $"no OAuth app is served at {appHost}" + (serverMessage is null ? "" : $" ({serverMessage})"), isTransient: false, retryAfter: null, innerException)
    {
        AppHost = appHost;
    }

    /// <summary>The app host (fqdn) that was asked.</summary>
    public string AppHost { get; }
}
