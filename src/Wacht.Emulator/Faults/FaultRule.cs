namespace Wacht.Emulator;

/// <summary>
/// One fault injection rule. A rule matches a request by operation (SDK method name or <c>*</c>)
/// and optional deployment. Effects, in order: <see cref="StallMs"/> and <see cref="LatencyMs"/> delay
/// the request before it is handled; <see cref="ErrorStatus"/> (with <see cref="ErrorRate"/>) answers an
/// error envelope instead of handling it; <see cref="LoseResponse"/> handles it fully and then aborts
/// the connection. A request that is failed with <see cref="ErrorStatus"/> is not executed.
/// </summary>
public sealed record FaultRule
{
    /// <summary>
    /// An operation name from <see cref="OAuthOperations"/> (management or runtime) or <c>*</c> for every operation,
    /// the runtime endpoints included.
    /// </summary>
    public string Operation { get; set; } = OAuthOperations.Any;

    /// <summary>Only requests for this deployment; null for all.</summary>
    public string? DeploymentId { get; set; }

    /// <summary>Added delay before the request is handled.</summary>
    public int LatencyMs { get; set; }

    /// <summary>
    /// Hold the request this long before handling it, then handle it normally even if the caller
    /// gave up (a server keeps working when its caller times out: a stalled rotate really rotates).
    /// </summary>
    public int StallMs { get; set; }

    /// <summary>Answer this status (e.g. 429, 500, 502, 503, 504) instead of handling the request.</summary>
    public int? ErrorStatus { get; set; }

    /// <summary>Probability (0..1) that a matching request gets <see cref="ErrorStatus"/>.</summary>
    public double ErrorRate { get; set; } = 1;

    /// <summary>Adds a <c>Retry-After</c> header (seconds) to the injected error.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>Overrides the error message of the injected error.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>Execute the request (e.g. really rotate) and then abort the connection: the caller never sees the response.</summary>
    public bool LoseResponse { get; set; }

    /// <summary>
    /// How many more requests this rule takes effect on before it expires; null = forever.
    /// A rule takes effect on a matching request when it delays, loses or fails it (an error rule
    /// whose <see cref="ErrorRate"/> roll misses does not count).
    /// </summary>
    public int? Remaining { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> when the rule cannot be applied.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Operation) || (Operation != OAuthOperations.Any && !OAuthOperations.IsKnown(Operation)))
        {
            throw new ArgumentException($"unknown operation '{Operation}'");
        }

        if (LatencyMs < 0 || StallMs < 0)
        {
            throw new ArgumentException("latency_ms and stall_ms must not be negative");
        }

        if (ErrorStatus is { } status && (status < 400 || status > 599))
        {
            throw new ArgumentException("error_status must be a 4xx or 5xx status");
        }

        if (ErrorRate is < 0 or > 1 || double.IsNaN(ErrorRate))
        {
            throw new ArgumentException("error_rate must be between 0 and 1");
        }

        if (RetryAfterSeconds is < 0)
        {
            throw new ArgumentException("retry_after_seconds must not be negative");
        }

        if (Remaining is <= 0)
        {
            throw new ArgumentException("remaining must be positive when set");
        }
    }
}
