using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Wacht.Worker.Telemetry;

namespace Wacht.Worker.Tests.Telemetry;

/// <summary>
/// What the worker records when nothing exports it: its own spans are created unrecorded, only to carry the trace
/// context (building and dropping a recorded span per call and per published event cost the audit a tenth of its CPU),
/// a traced sender's context still continues through it, no OpenTelemetry log records are built, and metrics are kept.
/// </summary>
public sealed class TelemetryRegistrationTests
{
    // A source of this test's own, added to the worker's tracer: no other test's listener samples it.
    private readonly string _source = $"telemetry-registration-{Guid.NewGuid():N}";

    [Fact]
    public void WithoutAnExporter_OwnSpansAreUnrecorded_ASampledSendersContextContinues_NoLogRecords()
    {
        using var provider = Build([]);
        using var source = new ActivitySource(_source);

        using (var own = source.StartActivity("scheduled job"))
        {
            Assert.NotNull(own);
            Assert.False(own.Recorded);
            Assert.False(own.IsAllDataRequested);
        }

        var sender = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        using (var command = source.StartActivity("consume", ActivityKind.Consumer, sender))
        {
            Assert.NotNull(command);
            Assert.True(command.Recorded);
            Assert.Equal(sender.TraceId, command.TraceId);
        }

        Assert.Null(provider.GetService<LoggerProvider>());
        Assert.NotNull(provider.GetService<MeterProvider>());
    }

    [Fact]
    public void WithAnOtlpEndpoint_EverySignalIsRecorded()
    {
        using var provider = Build(new Dictionary<string, string?> { ["Worker:Telemetry:Otlp:Endpoint"] = "http://127.0.0.1:4317" });
        using var source = new ActivitySource(_source);

        using (var own = source.StartActivity("scheduled job"))
        {
            Assert.NotNull(own);
            Assert.True(own.Recorded);
        }

        Assert.NotNull(provider.GetService<LoggerProvider>());
        Assert.NotNull(provider.GetService<MeterProvider>());
    }

    private ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings["Worker:Health:Enabled"] = "false";
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWachtTelemetry(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(_source));
        var provider = services.BuildServiceProvider();
        // The SDK starts listening when its provider is first resolved (the host does it at start).
        provider.GetRequiredService<TracerProvider>();
        return provider;
    }
}
