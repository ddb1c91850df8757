using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Rotation.Validity;

/// <summary>Log events of the sweep's validity check. Secrets appear only as their fingerprint.</summary>
internal static partial class ValidityLog
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Debug,
        Message = "Sweep {RunId}: Wacht accepts the secret of {DeploymentId}/{AppSlug}/{ClientId} at {Destination}:{DestinationKey} (fingerprint {Fingerprint})")]
    public static partial void Accepted(ILogger logger, Guid runId, string deploymentId, string appSlug, string clientId, string destination, string destinationKey, string fingerprint);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning,
        Message = "Sweep {RunId}: Wacht REJECTS the secret of {DeploymentId}/{AppSlug}/{ClientId} at {Destination}:{DestinationKey} (fingerprint {Fingerprint}, delivered by command {DeliveredBy}); the application cannot authenticate. Remediation: {Remediation} {RotateCommandId}")]
    public static partial void Rejected(
        ILogger logger, Guid runId, string deploymentId, string appSlug, string clientId, string destination, string destinationKey, string fingerprint, Guid deliveredBy, string remediation, Guid? rotateCommandId);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning,
        Message = "Sweep {RunId}: could not check the secret of {DeploymentId}/{AppSlug}/{ClientId} (fingerprint {Fingerprint}); unknown, not a finding: {ErrorCode} {ErrorMessage}")]
    public static partial void Unknown(ILogger logger, Guid runId, string deploymentId, string appSlug, string clientId, string fingerprint, string errorCode, string errorMessage);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Debug,
        Message = "Sweep {RunId}: did not check the secret of {DeploymentId}/{AppSlug}/{ClientId}: {Reason} {Detail}")]
    public static partial void Skipped(ILogger logger, Guid runId, string deploymentId, string appSlug, string clientId, string reason, string? detail);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Warning,
        Message = "Sweep {RunId}: could not send RotateSecret {CommandId} for the rejected secret of {DeploymentId}/{AppSlug}/{ClientId}: {ErrorCode} {ErrorMessage}")]
    public static partial void SendFailed(ILogger logger, Guid runId, Guid commandId, string deploymentId, string appSlug, string clientId, string errorCode, string errorMessage);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Warning,
        Message = "Sweep {RunId}: could not publish DeliveredSecretRejected for {DeploymentId}/{AppSlug}/{ClientId}: {ErrorCode} {ErrorMessage}")]
    public static partial void PublishFailed(ILogger logger, Guid runId, string deploymentId, string appSlug, string clientId, string errorCode, string errorMessage);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Information,
        Message = "Sweep {RunId} checked delivered secrets (slot {Slot} of {Cycle}, dry run: {DryRun}): {Accepted} accepted, {Rejected} rejected, {Unknown} unknown, {RotationsRequested} rotations requested, {RateLimited} left by the rate limit")]
    public static partial void Completed(ILogger logger, Guid runId, int slot, int cycle, bool dryRun, int accepted, int rejected, int unknown, int rotationsRequested, int rateLimited);
}
