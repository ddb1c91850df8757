using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Wacht.Client;

/// <summary>
/// The client's instruments (meter <see cref="WachtServiceCollectionExtensions.MeterName"/>), recorded once per attempt
/// by <see cref="WachtAttemptHandler"/>: what Wacht answered (or why there was no answer), by operation and deployment.
/// Tags are the operation name, the deployment id and a status word: never a URL, a header or a body.
/// </summary>
internal sealed class WachtClientMetrics
{
    /// <summary>No response: the connection failed or broke.</summary>
    public const string TransportError = "transport_error";

    /// <summary>No response: the attempt was cancelled, by its timeout or by the caller.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Seconds, from a fast read to the default 30 s attempt timeout (the SDK's default buckets are milliseconds).</summary>
    internal static readonly IReadOnlyList<double> DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _duration;

    public WachtClientMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(WachtServiceCollectionExtensions.MeterName);
        _attempts = meter.CreateCounter<long>(
            "wacht_client.requests",
            unit: "{request}",
            description: "Attempts of Wacht API calls, by operation, deployment and status (the HTTP status code, or transport_error, cancelled).");
        _duration = meter.CreateHistogram<double>(
            "wacht_client.request.duration",
            unit: "s",
            description: "Duration of one attempt of a Wacht API call until its whole response body arrived, by operation, deployment and status.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    public void Record(string operation, string deploymentId, string status, TimeSpan elapsed)
    {
        var tags = new TagList { { "operation", operation }, { "deployment", deploymentId }, { "status", status } };
        _attempts.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }

    public static string Status(int statusCode) => statusCode.ToString(CultureInfo.InvariantCulture);
}
