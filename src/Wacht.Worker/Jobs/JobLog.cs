using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Jobs;

/// <summary>The scheduled jobs' log messages.</summary>
internal static partial class JobLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
        Message = "Rotation sweep {RunId} (fire {ScheduledFireAt:O}, instance {Instance}) finished: {Deployments} deployments, {ClientsSeen} clients, {Due} due, {Rotated} rotations requested, {Warned} warnings, {Failed} failed, {Errors} errors, dry run {DryRun}")]
    public static partial void SweepFinished(ILogger logger, Guid runId, DateTimeOffset? scheduledFireAt, string instance, int deployments, int clientsSeen, int due, int rotated, int warned, int failed, int errors, bool dryRun);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information,
        Message = "Grant audit {RunId} (fire {ScheduledFireAt:O}, instance {Instance}) finished: {Deployments} deployments, {Grants} grants, {Findings} findings ({Published} published, {Suppressed} suppressed), {Revocations} revocations requested, {Errors} errors, dry run {DryRun}")]
    public static partial void AuditFinished(ILogger logger, Guid runId, DateTimeOffset? scheduledFireAt, string instance, int deployments, int grants, int findings, int published, int suppressed, int revocations, int errors, bool dryRun);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error,
        Message = "Scheduled job {Job} (fire {ScheduledFireAt:O}, instance {Instance}) failed; it runs again at its next fire")]
    public static partial void JobFailed(ILogger logger, Exception exception, string job, DateTimeOffset? scheduledFireAt, string instance);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information,
        Message = "Scheduled job {Job} removed from the schedule store: it is disabled ({Setting} is false)")]
    public static partial void JobUnscheduled(ILogger logger, string job, string setting);
}
