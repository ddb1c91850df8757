using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Rotation;

/// <summary>Rotation log events. Secrets appear only as their fingerprint.</summary>
internal static partial class RotationLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Rotated the secret of {ClientId}; the new secret (fingerprint {Fingerprint}) is held encrypted in the ledger until delivered")]
    public static partial void Rotated(ILogger logger, string clientId, string fingerprint);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Delivered the new secret (fingerprint {Fingerprint}) to destination {Destination} at {DestinationKey} ({Outcome})")]
    public static partial void Delivered(ILogger logger, string destination, string destinationKey, string fingerprint, string outcome);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "A previous rotate call ({RotateCalls} so far) has no recorded result (crash or unknown outcome); rotating again, which invalidates any secret it may have issued")]
    public static partial void RotatingAgain(ILogger logger, int rotateCalls);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Resuming delivery of the pending secret (fingerprint {Fingerprint}) recorded before the interruption; not rotating again")]
    public static partial void ResumingDelivery(ILogger logger, string fingerprint);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Storing the newly issued secret failed (attempt {Attempt} of {Attempts}: {Error}); retrying while it is still in memory")]
    public static partial void StoreRetrying(ILogger logger, int attempt, int attempts, string error);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Error, Message = "The pending secret recorded for this command cannot be decrypted ({Reason}); discarding it and rotating again")]
    public static partial void PendingSecretUnreadable(ILogger logger, string reason);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "Wacht rejects the secret pending for this command (fingerprint {Fingerprint}) and the destination holds none it accepts: rotating again")]
    public static partial void PendingSecretRejected(ILogger logger, string fingerprint);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning, Message = "Wacht rejected the secret just delivered (fingerprint {Fingerprint}): another rotation happened in between; rotating again ({Rotations} of at most {MaxRotations} this attempt so far)")]
    public static partial void DeliveredSecretRejected(ILogger logger, string fingerprint, int rotations, int maxRotations);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Information, Message = "An earlier rotate call for this client may still take effect at Wacht until {InFlightUntil}; waiting {Wait} before rotating")]
    public static partial void WaitingForEarlierCall(ILogger logger, DateTimeOffset inFlightUntil, TimeSpan wait);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Information, Message = "Wacht's answer for the secret with fingerprint {Fingerprint}: {Check}")]
    public static partial void Checked(ILogger logger, string fingerprint, string check);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "The secret is delivered and works, but {Failed} of the {Actions} reload action(s) of route {Route} failed: applications may still use the old secret until they reload")]
    public static partial void ReloadFailed(ILogger logger, string route, int failed, int actions);
}
