using Microsoft.Extensions.Logging;

namespace Wacht.Worker.SigningKeys;

/// <summary>Signing-key command and sweep log events. Keys appear only as their <c>kid</c> (public).</summary>
internal static partial class SigningKeyLog
{
    [LoggerMessage(EventId = 3400, Level = LogLevel.Information, Message = "Rotated the signing key: {Kid} is active, {PreviousKid} retired")]
    public static partial void Rotated(ILogger logger, string kid, string previousKid);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Warning, Message = "A previous rotate call ({RotateCalls} so far) has no recorded result; the key active before it ({PreviousKid}) is no longer active, so it took effect: {Kid} is active. Not rotating again")]
    public static partial void RotationRecovered(ILogger logger, int rotateCalls, string previousKid, string kid);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Warning, Message = "A previous rotate call ({RotateCalls} so far) has no recorded result, and the key active before it ({PreviousKid}) is still active: it did not take effect. Rotating again")]
    public static partial void RotatingAgain(ILogger logger, int rotateCalls, string previousKid);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Warning, Message = "Rotate answered with the new key {CreatedKid}, but the listing read back shows {Kid} as the active key (another change at the same time?); reporting the listed one")]
    public static partial void RotatedKeyNotActive(ILogger logger, string createdKid, string kid);

    [LoggerMessage(EventId = 3404, Level = LogLevel.Information, Message = "Marked signing key {Kid} (was {PreviousStatus}) compromised; the active key is {ActiveKid}")]
    public static partial void Compromised(ILogger logger, string kid, string previousStatus, string activeKid);

    [LoggerMessage(EventId = 3405, Level = LogLevel.Information, Message = "Signing key {Kid} is not listed and this worker compromised it before (command {EarlierCommandId} at {ChangedAt:O}); nothing to do")]
    public static partial void AlreadyCompromised(ILogger logger, string kid, Guid earlierCommandId, DateTimeOffset changedAt);

    [LoggerMessage(EventId = 3406, Level = LogLevel.Warning, Message = "A previous compromise call ({Calls} so far) has no recorded result; signing key {Kid} is no longer listed, so it took effect. Not calling again")]
    public static partial void CompromiseRecovered(ILogger logger, int calls, string kid);

    [LoggerMessage(EventId = 3407, Level = LogLevel.Information, Message = "Rotation sweep {RunId} sent RotateSigningKey {CommandId} for deployment {DeploymentId} app {AppSlug} (active key {Kid}): {Reason}")]
    public static partial void SweepSent(ILogger logger, Guid runId, Guid commandId, string deploymentId, string appSlug, string kid, string reason);

    [LoggerMessage(EventId = 3408, Level = LogLevel.Information, Message = "Rotation sweep {RunId} (dry run) would send RotateSigningKey {CommandId} for deployment {DeploymentId} app {AppSlug} (active key {Kid}): {Reason}")]
    public static partial void SweepWouldRotate(ILogger logger, Guid runId, Guid commandId, string deploymentId, string appSlug, string kid, string reason);

    [LoggerMessage(EventId = 3409, Level = LogLevel.Information, Message = "Rotation sweep {RunId} deferred the signing key of deployment {DeploymentId} app {AppSlug} to the next sweep ({Reason}; the cap of {Cap} signing-key rotations per sweep was reached)")]
    public static partial void SweepDeferred(ILogger logger, Guid runId, string deploymentId, string appSlug, string reason, int cap);

    [LoggerMessage(EventId = 3410, Level = LogLevel.Warning, Message = "Rotation sweep {RunId} could not send RotateSigningKey {CommandId} for deployment {DeploymentId} app {AppSlug}: {ErrorCode} {ErrorMessage}")]
    public static partial void SweepSendFailed(ILogger logger, Guid runId, Guid commandId, string deploymentId, string appSlug, string errorCode, string errorMessage);

    [LoggerMessage(EventId = 3411, Level = LogLevel.Information, Message = "Rotation sweep {RunId} warned that the signing key {Kid} of deployment {DeploymentId} app {AppSlug} is due for rotation at {DueAt:u}")]
    public static partial void SweepWarned(ILogger logger, Guid runId, string deploymentId, string appSlug, string kid, DateTimeOffset dueAt);

    [LoggerMessage(EventId = 3412, Level = LogLevel.Information, Message = "Rotation sweep {RunId} (dry run) would warn that the signing key {Kid} of deployment {DeploymentId} app {AppSlug} is due for rotation at {DueAt:u}")]
    public static partial void SweepWouldWarn(ILogger logger, Guid runId, string deploymentId, string appSlug, string kid, DateTimeOffset dueAt);
}
