using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Quarantine;

internal static partial class QuarantineLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Quarantine: resuming; done so far: secret {SecretDone}, {Revoked} grant(s) revoked, deactivated {Deactivated}")]
    public static partial void Resuming(ILogger logger, bool secretDone, int revoked, bool deactivated);

    [LoggerMessage(Level = LogLevel.Information, Message = "Quarantine: secret rotated by command {RotateCommandId} (discarded {Discarded}, fingerprint {SecretFingerprint})")]
    public static partial void SecretRotated(ILogger logger, Guid rotateCommandId, bool discarded, string secretFingerprint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Quarantine: grant {GrantId} revoked")]
    public static partial void GrantRevoked(ILogger logger, string grantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Quarantine: the revoke call for grant {GrantId} made before the restart took effect; not calling again")]
    public static partial void RevokeRecovered(ILogger logger, string grantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quarantine: {Count} active grant(s) appeared while revoking; revoking them too (round {Round})")]
    public static partial void GrantsAppeared(ILogger logger, int count, int round);

    [LoggerMessage(Level = LogLevel.Information, Message = "Quarantine: client deactivated (already inactive: {AlreadyInactive})")]
    public static partial void Deactivated(ILogger logger, bool alreadyInactive);

    [LoggerMessage(Level = LogLevel.Information, Message = "Quarantine: waiting until {Until:o} ({Wait}) for an earlier rotate call of the client that may still take effect")]
    public static partial void WaitingForEarlierCall(ILogger logger, DateTimeOffset until, TimeSpan wait);
}
