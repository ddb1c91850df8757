using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Wacht.Worker.Contracts;
using Wacht.Worker.Telemetry;
using Wacht.Worker.Tests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Telemetry;

/// <summary>
/// The worker's OpenTelemetry registration (<c>AddWachtTelemetry</c>) with in-memory exporters, on the MassTransit test
/// harness with the real pipeline: what a RotateSecret exports as traces, metrics and logs.
/// </summary>
public sealed class TelemetryExportTests
{
    private const string SenderSourceName = "Wacht.Worker.Tests.Sender";
    private static readonly ActivitySource Sender = new(SenderSourceName);

    [Fact]
    public async Task RotateSecret_YieldsOneConnectedTrace_FromTheSendersSpanThroughTheWachtCallsToThePublishedEvent()
    {
        await using var t = await TelemetryWorld.StartAsync();
        var client = await t.World.World.ClientAsync(WachtWorld.ServiceClient);

        var (root, _) = await t.RotateAsync(client.Id);

        var trace = await t.WaitForTraceAsync(root.TraceId, spans =>
            spans.Any(s => IsConsume(s) && Mentions(s, "rotate-secret:v1")) && spans.Any(s => IsPublish(s) && Mentions(s, "secret-rotated:v1")));
        var bySpan = trace.ToDictionary(s => s.SpanId);

        // Connected: every span but the sender's has its parent in the same trace.
        Assert.All(trace.Where(s => s.SpanId != root.SpanId), s => Assert.True(
            bySpan.ContainsKey(s.ParentSpanId), $"{s.Source.Name} '{s.DisplayName}' has a parent outside the trace"));

        // The chain: sender → send RotateSecret → consume → the rotate call at Wacht, and consume → publish SecretRotated.
        var send = Assert.Single(trace, s => IsPublish(s) && Mentions(s, "rotate-secret:v1"));
        var consume = trace.First(s => IsConsume(s) && Mentions(s, "rotate-secret:v1"));
        var rotateCall = Assert.Single(trace, s => s.Source.Name == "System.Net.Http" && s.Kind == ActivityKind.Client && Mentions(s, "/rotate"));
        var published = Assert.Single(trace, s => IsPublish(s) && Mentions(s, "secret-rotated:v1"));
        Assert.Contains(root.SpanId, Ancestors(send, bySpan));
        Assert.Contains(send.SpanId, Ancestors(consume, bySpan));
        Assert.Contains(consume.SpanId, Ancestors(rotateCall, bySpan));
        Assert.Contains(consume.SpanId, Ancestors(published, bySpan));
        Assert.Equal(200, Convert.ToInt32(rotateCall.GetTagItem("http.response.status_code"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Rotation_ExportsNoSecretOrApiKey_InAnySpanAttributeMetricTagOrLog()
    {
        await using var t = await TelemetryWorld.StartAsync();
        var client = await t.World.World.ClientAsync(WachtWorld.ServiceClient);
        var oldSecret = t.World.World.SeededSecret(WachtWorld.ServiceClient);

        var (root, _) = await t.RotateAsync(client.Id);
        await t.WaitForTraceAsync(root.TraceId, spans => spans.Any(s => IsPublish(s) && Mentions(s, "secret-rotated:v1")));
        var newSecret = t.World.World.SecretAtDestination(client.ClientId);
        Assert.True(t.World.World.WachtAccepts(client.ClientId, newSecret));
        t.Flush();

        var exported = t.ExportedText();

        // The scan reads what it should: ids and names are there, so a secret would be too.
        Assert.Contains(client.Id, exported, StringComparison.Ordinal);
        Assert.Contains("wacht_client.requests", exported, StringComparison.Ordinal);
        Assert.Contains("rotateOAuthClientSecret", exported, StringComparison.Ordinal);
        Assert.Contains("CommandId", exported, StringComparison.Ordinal);
        foreach (var (what, value) in new[]
        {
            ("the new secret", newSecret!),
            ("the old secret", oldSecret),
            ("the API key", t.World.World.ApiKey),
            ("the ledger key", t.World.World.EncryptionKey),
        })
        {
            Assert.False(exported.Contains(value, StringComparison.Ordinal), $"The exported telemetry contains {what}.");
        }
    }

    private static bool IsPublish(Activity span) => span.Source.Name == TelemetryServiceCollectionExtensions.MassTransitInstrumentationName && span.Kind == ActivityKind.Producer;

    private static bool IsConsume(Activity span) => span.Source.Name == TelemetryServiceCollectionExtensions.MassTransitInstrumentationName && span.Kind == ActivityKind.Consumer;

    private static bool Mentions(Activity span, string text) =>
        span.DisplayName.Contains(text, StringComparison.OrdinalIgnoreCase)
        || span.TagObjects.Any(tag => Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture)?.Contains(text, StringComparison.OrdinalIgnoreCase) == true);

    private static List<ActivitySpanId> Ancestors(Activity span, IReadOnlyDictionary<ActivitySpanId, Activity> bySpan)
    {
        var ancestors = new List<ActivitySpanId>();
        var current = span;
        while (bySpan.TryGetValue(current.ParentSpanId, out var parent))
        {
            ancestors.Add(parent.SpanId);
            current = parent;
        }

        return ancestors;
    }

    /// <summary>A harness world with the worker's telemetry and in-memory exporters for each signal.</summary>
    private sealed class TelemetryWorld : IAsyncDisposable
    {
        private TelemetryWorld(HarnessWorld world, LockedCollection<Activity> spans, LockedCollection<MetricSnapshot> metrics, LockedCollection<LogRecord> logs)
        {
            World = world;
            Spans = spans;
            Metrics = metrics;
            Logs = logs;
        }

        public HarnessWorld World { get; }

        public LockedCollection<Activity> Spans { get; }

        public LockedCollection<MetricSnapshot> Metrics { get; }

        public LockedCollection<LogRecord> Logs { get; }

        public static async Task<TelemetryWorld> StartAsync()
        {
            var spans = new LockedCollection<Activity>();
            var metrics = new LockedCollection<MetricSnapshot>();
            var logs = new LockedCollection<LogRecord>();
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Worker:Health:Enabled"] = "false",
            }).Build();
            var world = await HarnessWorld.StartAsync(services: s =>
            {
                s.AddWachtTelemetry(configuration, recordUnexported: true);
                s.ConfigureOpenTelemetryTracerProvider(b => b.AddSource(SenderSourceName).AddInMemoryExporter(spans));
                s.ConfigureOpenTelemetryMeterProvider(b => b.AddInMemoryExporter(metrics));
                s.ConfigureOpenTelemetryLoggerProvider(b => b.AddInMemoryExporter(logs));
            });
            return new TelemetryWorld(world, spans, metrics, logs);
        }

        /// <summary>Sends a RotateSecret inside a sender's span, as another service would, and waits for its outcome.</summary>
        public async Task<(Activity Root, object Outcome)> RotateAsync(string clientId)
        {
            var commandId = Guid.NewGuid();
            using var root = Sender.StartActivity("request rotation", ActivityKind.Producer)
                ?? throw new InvalidOperationException("The sender's span was not sampled.");
            var outcome = await World.ExecuteAsync(
                new RotateSecret
                {
                    CommandId = commandId,
                    DeploymentId = WachtWorld.Deployment,
                    AppSlug = WachtWorld.AppSlug,
                    OAuthClientId = clientId,
                    RequestedBy = "telemetry tests",
                    Reason = "trace it",
                },
                commandId);
            Assert.IsType<SecretRotated>(outcome);
            return (root, outcome);
        }

        /// <summary>Waits until the spans of a trace satisfy <paramref name="complete"/> (spans end on other threads).</summary>
        public async Task<IReadOnlyList<Activity>> WaitForTraceAsync(ActivityTraceId traceId, Func<IReadOnlyList<Activity>, bool> complete)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (true)
            {
                var trace = Spans.Snapshot().Where(s => s.TraceId == traceId).ToList();
                if (complete(trace))
                {
                    return trace;
                }

                try
                {
                    await Task.Delay(20, timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException("The trace never completed; spans: "
                        + string.Join(", ", trace.Select(s => $"{s.Source.Name}/{s.Kind}/'{s.DisplayName}'")));
                }
            }
        }

        public void Flush()
        {
            World.Services.GetRequiredService<TracerProvider>().ForceFlush();
            World.Services.GetRequiredService<MeterProvider>().ForceFlush();
            World.Services.GetRequiredService<LoggerProvider>().ForceFlush();
        }

        /// <summary>Every exported text: span names, tags, events, statuses; metric names, descriptions, tags; log messages, attributes, scopes, exceptions.</summary>
        public string ExportedText()
        {
            var text = new StringBuilder();
            foreach (var span in Spans.Snapshot())
            {
                text.AppendLine(span.DisplayName).AppendLine(span.OperationName).AppendLine(span.StatusDescription);
                AppendTags(text, span.TagObjects);
                foreach (var e in span.Events)
                {
                    text.AppendLine(e.Name);
                    AppendTags(text, e.Tags);
                }

                foreach (var link in span.Links)
                {
                    AppendTags(text, link.Tags ?? []);
                }

                foreach (var (key, value) in span.Baggage)
                {
                    text.Append(key).Append('=').AppendLine(value);
                }
            }

            foreach (var metric in Metrics.Snapshot())
            {
                text.AppendLine(metric.Name).AppendLine(metric.Description).AppendLine(metric.Unit);
                foreach (var point in metric.MetricPoints)
                {
                    foreach (var tag in point.Tags)
                    {
                        text.Append(tag.Key).Append('=').AppendLine(Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture));
                    }
                }
            }

            foreach (var log in Logs.Snapshot())
            {
                text.AppendLine(log.CategoryName).AppendLine(log.FormattedMessage).AppendLine(log.Body).AppendLine(log.Exception?.ToString());
                AppendTags(text, log.Attributes ?? []);
                log.ForEachScope(
                    static (scope, sb) =>
                    {
                        sb.AppendLine(Convert.ToString(scope.Scope, System.Globalization.CultureInfo.InvariantCulture));
                        foreach (var (key, value) in scope)
                        {
                            sb.Append(key).Append('=').AppendLine(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                        }
                    },
                    text);
            }

            return text.ToString();
        }

        public ValueTask DisposeAsync() => World.DisposeAsync();

        private static void AppendTags(StringBuilder text, IEnumerable<KeyValuePair<string, object?>> tags)
        {
            foreach (var (key, value) in tags)
            {
                text.Append(key).Append('=').AppendLine(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
