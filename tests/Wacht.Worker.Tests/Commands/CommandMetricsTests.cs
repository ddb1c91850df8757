using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Tests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Commands;

public sealed class CommandMetricsTests
{
    [Fact]
    public async Task Commands_AreCountedByKindOutcomeAndErrorCode()
    {
        await using var h = await HarnessWorld.StartAsync();
        using var commands = new MetricCollector<long>(h.Services.GetRequiredService<IMeterFactory>(), CommandMetrics.MeterName, "wacht_worker.commands");
        using var durations = new MetricCollector<double>(h.Services.GetRequiredService<IMeterFactory>(), CommandMetrics.MeterName, "wacht_worker.command.duration");
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var rotate = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };
        var invalid = rotate with { CommandId = NewId.NextGuid(), OAuthClientId = "not-a-number" };

        await h.ExecuteAsync(rotate, rotate.CommandId);
        await h.Harness.GetRequestClient<RotateSecret>().GetResponse<SecretRotated, SecretRotationFailed>(rotate);
        await h.ExecuteAsync(invalid, invalid.CommandId);

        // The consumer counts a command after publishing its outcome, so the last count may land just after the event
        // the test waited for: wait for it (a missing count still fails, at the timeout).
        await commands.WaitForMeasurementsAsync(3, TimeSpan.FromSeconds(30));
        await durations.WaitForMeasurementsAsync(3, TimeSpan.FromSeconds(30));
        var measurements = commands.GetMeasurementSnapshot();
        Assert.Equal(3, measurements.Count);
        Assert.Single(measurements, m => Tag(m.Tags, "outcome") == "succeeded" && Tag(m.Tags, "kind") == "rotate-secret");
        Assert.Single(measurements, m => Tag(m.Tags, "outcome") == "replayed");
        Assert.Single(measurements, m => Tag(m.Tags, "outcome") == "failed" && Tag(m.Tags, "error_code") == ErrorCodes.InvalidCommand);
        Assert.Equal(3, durations.GetMeasurementSnapshot().Count);
    }

    private static string? Tag(IReadOnlyDictionary<string, object?> tags, string name) => tags.TryGetValue(name, out var value) ? value as string : null;
}
