using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Health;

/// <summary>The health listener's log events.</summary>
internal static partial class HealthLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Health listener answering on {Address} (/health/live, /health/ready, /metrics)")]
    public static partial void Listening(ILogger logger, string address);
}
