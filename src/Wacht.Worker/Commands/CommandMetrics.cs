using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Wacht.Worker.Commands;

/// <summary>
/// The worker's metrics (meter <c>Wacht.Worker</c>), for any System.Diagnostics.Metrics listener: OpenTelemetry's
/// <c>AddMeter("Wacht.Worker")</c>, <c>dotnet-counters</c>, or a test's MetricCollector.
/// </summary>
internal sealed class CommandMetrics
{
    public const string MeterName = "Wacht.Worker";

    private readonly Counter<long> _outcomes;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _duration;

    public CommandMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _outcomes = meter.CreateCounter<long>(
            "wacht_worker.commands",
            unit: "{command}",
            description: "Commands that reached a terminal event, by kind, outcome (succeeded, failed, replayed) and error code.");
        _retries = meter.CreateCounter<long>(
            "wacht_worker.command.retries",
            unit: "{retry}",
            description: "In-process retries of commands after a transient failure, by kind.");
        _duration = meter.CreateHistogram<double>(
            "wacht_worker.command.duration",
            unit: "s",
            description: "Time from receiving a command attempt to its terminal event, by kind and outcome.");
    }

    public void Succeeded(string kind, long startedAt) => Record(kind, "succeeded", "", startedAt);

    public void Failed(string kind, string errorCode, long startedAt) => Record(kind, "failed", errorCode, startedAt);

    public void Replayed(string kind, long startedAt) => Record(kind, "replayed", "", startedAt);

    public void Retrying(string kind) => _retries.Add(1, new KeyValuePair<string, object?>("kind", kind));

    private void Record(string kind, string outcome, string errorCode, long startedAt)
    {
        var tags = new TagList { { "kind", kind }, { "outcome", outcome }, { "error_code", errorCode } };
        _outcomes.Add(1, tags);
        _duration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, new TagList { { "kind", kind }, { "outcome", outcome } });
    }
}
