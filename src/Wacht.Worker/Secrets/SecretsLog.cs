using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Secrets;

/// <summary>The secret destinations' log messages. None carries a secret (only its fingerprint).</summary>
internal static partial class SecretsLog
{
    [LoggerMessage(EventId = 2101, EventName = "SecretDeliveredToFile", Level = LogLevel.Information,
        Message = "Delivered the secret of client {ClientId} (app {AppSlug}, deployment {DeploymentId}, fingerprint {Fingerprint}) to file {Key}")]
    public static partial void DeliveredToFile(ILogger logger, string clientId, string appSlug, string deploymentId, string fingerprint, string key);

    [LoggerMessage(EventId = 2102, EventName = "SecretAlreadyCurrent", Level = LogLevel.Information,
        Message = "Destination {Destination} already holds the secret with fingerprint {Fingerprint} at {Key}; nothing written")]
    public static partial void AlreadyCurrent(ILogger logger, string destination, string key, string fingerprint);

    [LoggerMessage(EventId = 2103, EventName = "SecretNewerPresent", Level = LogLevel.Warning,
        Message = "Destination {Destination} holds a newer secret at {Key} (command {PresentCommandId}, rotated at {PresentRotatedAt:O}, fingerprint {PresentFingerprint}); the older one with fingerprint {Fingerprint} was not written")]
    public static partial void NewerPresent(ILogger logger, string destination, string key, string fingerprint, Guid presentCommandId, DateTimeOffset presentRotatedAt, string presentFingerprint);

    [LoggerMessage(EventId = 2104, EventName = "SecretFileUnreadable", Level = LogLevel.Warning,
        Message = "Destination {Destination} found a secret file it cannot read ({Error}); it is replaced")]
    public static partial void UnreadableFile(ILogger logger, string destination, string error);

    [LoggerMessage(EventId = 2105, EventName = "SecretDelivered", Level = LogLevel.Information,
        Message = "Delivered the secret with fingerprint {Fingerprint} to {Destination} at {Key}")]
    public static partial void Delivered(ILogger logger, string destination, string key, string fingerprint);
}
