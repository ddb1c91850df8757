using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Secrets.Kubernetes;

/// <summary>The Kubernetes destination's and rollout restarts' log messages. None carries a secret.</summary>
internal static partial class KubernetesLog
{
    [LoggerMessage(EventId = 2111, EventName = "KubernetesWriteConflict", Level = LogLevel.Information,
        Message = "Destination {Destination}: secret {Key} changed between read and write (attempt {Attempt}); reading it again")]
    public static partial void WriteConflict(ILogger logger, string destination, string key, int attempt);

    [LoggerMessage(EventId = 2112, EventName = "KubernetesSecretWithoutStamp", Level = LogLevel.Warning,
        Message = "Destination {Destination}: secret {Key} exists without the worker's annotations; its client_secret is replaced")]
    public static partial void SecretWithoutStamp(ILogger logger, string destination, string key);
}
