using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Wacht.Client.Tests.Support;

namespace Wacht.Client.Tests;

/// <summary>The <c>Wacht.Client</c> meter: one measurement per attempt, by operation, deployment and what came back.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task EveryAttempt_IsCounted_ByOperationDeploymentAndStatus()
    {
        var handler = new StubHttpHandler()
            .ThenError(HttpStatusCode.ServiceUnavailable)
            .ThenConnectionReset()
            .ThenJson(Fixtures.Apps(Fixtures.App))
            .ThenError(HttpStatusCode.NotFound);
        await using var host = WachtTestHost.Create(handler);
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var attempts = new MetricCollector<long>(meters, WachtServiceCollectionExtensions.MeterName, "wacht_client.requests");
        using var durations = new MetricCollector<double>(meters, WachtServiceCollectionExtensions.MeterName, "wacht_client.request.duration");

        await host.Client.ListOAuthAppsAsync();
        await Assert.ThrowsAsync<WachtNotFoundException>(() => host.Client.ListOAuthGrantsAsync("reports", "9223372036854775806"));

        var recorded = attempts.GetMeasurementSnapshot()
            .Select(m => (Tag(m.Tags, "operation"), Tag(m.Tags, "deployment"), Tag(m.Tags, "status"), m.Value))
            .ToList();
        Assert.Equal(
            [
                ("listOAuthApps", WachtTestHost.DeploymentId, "503", 1L),
                ("listOAuthApps", WachtTestHost.DeploymentId, "transport_error", 1L),
                ("listOAuthApps", WachtTestHost.DeploymentId, "200", 1L),
                ("listOAuthGrants", WachtTestHost.DeploymentId, "404", 1L),
            ],
            recorded);
        Assert.Equal(4, durations.GetMeasurementSnapshot().Count);
        Assert.All(durations.GetMeasurementSnapshot(), m => Assert.True(m.Value >= 0));
    }

    private static string? Tag(IReadOnlyDictionary<string, object?> tags, string name) => tags.TryGetValue(name, out var value) ? value as string : null;
}
