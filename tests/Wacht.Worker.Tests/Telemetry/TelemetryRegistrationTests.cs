using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Wacht.Worker.Telemetry;

namespace Wacht.Worker.Tests.Telemetry;

/// <summary>
/// Which OpenTelemetry signals the worker records: traces and log records only when something exports them (building
/// and dropping a span per call and per published event cost the audit a tenth of its CPU), metrics always.
/// </summary>
public sealed class TelemetryRegistrationTests
{
    [Fact]
    public void WithoutAnExporter_NoTracerOrLoggerProvider_ButMetrics()
    {
        using var provider = Build(new Dictionary<string, string?>());

        Assert.Null(provider.GetService<TracerProvider>());
        Assert.Null(provider.GetService<LoggerProvider>());
        Assert.NotNull(provider.GetService<MeterProvider>());
    }

    [Fact]
    public void WithAnOtlpEndpoint_EverySignalIsRecorded()
    {
        using var provider = Build(new Dictionary<string, string?> { ["Worker:Telemetry:Otlp:Endpoint"] = "http://127.0.0.1:4317" });

        Assert.NotNull(provider.GetService<TracerProvider>());
        Assert.NotNull(provider.GetService<LoggerProvider>());
        Assert.NotNull(provider.GetService<MeterProvider>());
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings["Worker:Health:Enabled"] = "false";
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWachtTelemetry(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }
}
