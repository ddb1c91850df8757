namespace Wacht.Client;

/// <summary>The settings of one Wacht deployment.</summary>
public sealed class WachtDeploymentOptions
{
    /// <summary>The production API.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.wacht.dev");

    /// <summary>Scheme, host, optional port and optional path prefix. No query or fragment.</summary>
    public Uri BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>
    /// Allows an <c>http://</c> <see cref="BaseUrl"/> to a host other than this machine (the API key and rotated secrets
    /// then cross the network unencrypted). Off by default: such a URL is refused at start; loopback URLs never need it.
    /// </summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>The backend API key inline. Set exactly one of ApiKey, ApiKeyEnvironmentVariable and ApiKeyFile.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The name of an environment variable holding the API key.</summary>
    public string? ApiKeyEnvironmentVariable { get; set; }

    /// <summary>
    /// A file holding the API key (trimmed), e.g. a mounted Kubernetes secret. Re-read when the file changes, so a
    /// rotated secret is picked up without a restart.
    /// </summary>
    public string? ApiKeyFile { get; set; }

    public WachtPathStyle PathStyle { get; set; } = WachtPathStyle.Backend;

    /// <summary>
    /// Where the apps' runtime endpoints (secret checks) are reached. With <c>{fqdn}</c> a template in which the app's
    /// fqdn starts the host: <c>https://{fqdn}</c> (the default, production). Without it a fixed base URL, e.g. an
    /// emulator's <c>http://127.0.0.1:5080/</c>, to which requests go with <c>Host: {fqdn}</c>. Never carries the API key.
    /// </summary>
    public string RuntimeBaseUrl { get; set; } = "https://{fqdn}";

    /// <summary>Timeout of one attempt (until the whole response body has arrived).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of a whole call: all attempts, back-off delays and client-side queueing.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Maximum requests in flight to this deployment; further requests queue.</summary>
    public int MaxConcurrentRequests { get; set; } = 8;

    /// <summary>How many requests may wait for the concurrency or rate limit before new ones are rejected.</summary>
    public int MaxQueuedRequests { get; set; } = 1024;

    /// <summary>Optional sustained request rate to this deployment; requests over it queue.</summary>
    public double? RequestsPerSecond { get; set; }

    /// <summary>Retries of an idempotent call after a transient failure (0 turns retries off).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Base of the exponential, jittered back-off between retries.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upper bound of one back-off delay (Retry-After is bounded by <see cref="MaxRetryAfter"/> instead).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest Retry-After the client waits out by itself; a longer one ends the retries and surfaces as the
    /// error (e.g. <see cref="WachtRateLimitedException"/>) carrying <see cref="WachtException.RetryAfter"/>.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The per-deployment circuit breaker.</summary>
    public WachtCircuitBreakerOptions CircuitBreaker { get; set; } = new();
}
