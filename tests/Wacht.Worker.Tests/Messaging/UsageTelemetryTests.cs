using MassTransit;
using MassTransit.UsageTracking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Messaging;

/// <summary>
/// Issue 10, defect 5: MassTransit's usage telemetry (a report to the vendor about five minutes after the bus starts)
/// is off in the worker's composition. Nothing phones home by default.
/// </summary>
public sealed class UsageTelemetryTests
{
    [Theory]
    [InlineData("InMemory", WorkerHostMode.Service)]
    [InlineData("RabbitMq", WorkerHostMode.Service)]
    [InlineData("RabbitMq", WorkerHostMode.Sender)]
    public async Task TheWorkersBus_HasUsageTelemetryOff(string transport, WorkerHostMode mode)
    {
        await using var world = await WachtWorld.StartAsync();
        var settings = world.WorkerSettings();
        settings["Worker:Messaging:Transport"] = transport;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddWachtWorker(builder.Configuration, mode: mode);
        using var host = builder.Build();

        // The tracker reads MASSTRANSIT_USAGE_TELEMETRY when it is created; the test process does not set it.
        var tracker = Assert.IsType<UsageTracker>(host.Services.GetRequiredService<IUsageTracker>());

        Assert.False(tracker.Enabled);
        Assert.False(host.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }
}
