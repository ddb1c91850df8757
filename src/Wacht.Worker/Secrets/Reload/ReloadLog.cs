using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Secrets.Reload;

/// <summary>The reload actions' log messages. None carries a secret or a signing key.</summary>
internal static partial class ReloadLog
{
    [LoggerMessage(EventId = 2121, EventName = "ReloadSucceeded", Level = LogLevel.Information,
        Message = "Reload {Action} of {Target} succeeded: {Detail}")]
    public static partial void Succeeded(ILogger logger, string action, string target, string detail);

    [LoggerMessage(EventId = 2122, EventName = "ReloadFailed", Level = LogLevel.Warning,
        Message = "Reload {Action} of {Target} failed: {Detail}. The secret is delivered; the application may keep the old one until it reloads")]
    public static partial void Failed(ILogger logger, string action, string target, string detail);

    [LoggerMessage(EventId = 2123, EventName = "WebhookRetrying", Level = LogLevel.Information,
        Message = "Webhook {Target}: attempt {Attempt} failed ({Reason}); retrying in {Delay}")]
    public static partial void WebhookRetrying(ILogger logger, string target, int attempt, string reason, TimeSpan delay);
}
