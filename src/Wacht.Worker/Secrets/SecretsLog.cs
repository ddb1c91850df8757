using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Secrets;

/// <summary>The secret destinations' log messages. None carries a secret (only its fingerprint).</summary>
internal static partial class SecretsLog
{
    [LoggerMessage(EventId = 2101, EventName = "SecretDeliveredToFile", Level = LogLevel.Information,
        Message = "Delivered the secret of client {ClientId} (app {AppSlug}, deployment {DeploymentId}, fingerprint {Fingerprint}) to file {Key}")]
    public static partial void DeliveredToFile(ILogger logger, string clientId, string appSlug, string deploymentId, string fingerprint, string key);
}
