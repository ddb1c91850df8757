using System.Collections.Concurrent;
using System.Diagnostics;
using Wacht.Worker.Telemetry;

namespace Wacht.Worker.Tests.Telemetry;

/// <summary>The worker's own spans: names, tags and failure marking, as an OpenTelemetry listener sees them.</summary>
public sealed class WorkerActivitySourceTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public WorkerActivitySourceTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == WorkerActivitySource.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public void CommandStep_IsNamedByKindAndStep_AndTaggedWithTheCommandsIdentity()
    {
        var commandId = Guid.NewGuid();

        using (WorkerActivitySource.StartCommandStep(CommandSteps.Lock, "rotate-secret", commandId, "7283910238471", "analytics-api", "9001"))
        {
        }

        var span = Assert.Single(_stopped, s => Equals(s.GetTagItem("wacht.command.id"), commandId.ToString()));
        Assert.Equal("rotate-secret lock", span.DisplayName);
        Assert.Equal(ActivityKind.Internal, span.Kind);
        Assert.Equal(
            ["lock", "rotate-secret", "7283910238471", "analytics-api", "9001"],
            new[] { "wacht.command.step", "wacht.command.kind", "wacht.deployment.id", "wacht.app.slug", "wacht.oauth_client.id" }.Select(t => span.GetTagItem(t) as string));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    [Fact]
    public void Failed_SetsErrorStatusCodeAndType_WithoutTheExceptionsMessage()
    {
        var commandId = Guid.NewGuid();

        using (var span = WorkerActivitySource.StartCommandStep(CommandSteps.WachtCall, "sync-scopes", commandId, "7283910238471", "analytics-api", null))
        {
            WorkerActivitySource.Failed(span, "wacht_unavailable", new TimeoutException("message that must not be recorded"));
        }

        var stopped = Assert.Single(_stopped, s => Equals(s.GetTagItem("wacht.command.id"), commandId.ToString()));
        Assert.Equal((ActivityStatusCode.Error, "wacht_unavailable"), (stopped.Status, stopped.StatusDescription));
        Assert.Equal("System.TimeoutException", stopped.GetTagItem("error.type"));
        Assert.DoesNotContain(stopped.TagObjects, t => t.Value is string v && v.Contains("must not be recorded", StringComparison.Ordinal));
        Assert.Empty(stopped.Events);
    }

    [Fact]
    public void JobRun_IsNamedByJob_AndTaggedWithTriggerAndFireTime()
    {
        var fireAt = new DateTimeOffset(2031, 1, 2, 3, 4, Random.Shared.Next(60), TimeSpan.Zero);

        using (WorkerActivitySource.StartJobRun("rotation-sweep", "schedule", fireAt))
        {
        }

        var span = Assert.Single(_stopped, s => Equals(s.GetTagItem("wacht.job.scheduled_fire_at"), fireAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("rotation-sweep run", span.DisplayName);
        Assert.Equal(("rotation-sweep", "schedule"), (span.GetTagItem("wacht.job.name"), span.GetTagItem("wacht.job.trigger")));
    }

    public void Dispose() => _listener.Dispose();
}
