namespace Wacht.Client;

/// <summary>
/// Keys of <see cref="HttpRequestMessage.Options"/> with which the client tags every request, for handlers and
/// telemetry added to the <see cref="WachtServiceCollectionExtensions.HttpClientName"/> client.
/// </summary>
public static class WachtRequestOptionKeys
{
    /// <summary>The deployment id the request is for.</summary>
    public static readonly HttpRequestOptionsKey<string> DeploymentId = new("Wacht.DeploymentId");

    /// <summary>The operation, named as the SDK method (e.g. <c>rotateOAuthClientSecret</c>).</summary>
    public static readonly HttpRequestOptionsKey<string> Operation = new("Wacht.Operation");

    /// <summary>Whether the HTTP layer may retry the request.</summary>
    public static readonly HttpRequestOptionsKey<bool> IsIdempotent = new("Wacht.IsIdempotent");
}
