using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Messaging.Watchdog;

/// <summary>The consumer watchdog's log events.</summary>
internal static partial class ConsumerWatchdogLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Warning, Message = "Command queues without a consumer while the broker answers: {Queues}; the bus is restarted after {RestartAfter}")]
    public static partial void NotConsuming(ILogger logger, string queues, TimeSpan restartAfter);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "Command queues {Queues} had no consumer for {RestartAfter} while the broker answered: restarting the bus")]
    public static partial void RestartingBus(ILogger logger, string queues, TimeSpan restartAfter);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Bus restarted by the consumer watchdog")]
    public static partial void Restarted(ILogger logger);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Critical, Message = "Command queues {Queues} still have no consumer after a bus restart: stopping the process (exit code {ExitCode}) so that its supervisor starts a fresh one")]
    public static partial void StoppingProcess(ILogger logger, string queues, int exitCode);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Critical, Message = "Restarting the bus failed: stopping the process (exit code {ExitCode}) so that its supervisor starts a fresh one")]
    public static partial void RestartFailed(ILogger logger, int exitCode, Exception exception);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Information, Message = "Every command queue has its consumer again")]
    public static partial void Recovered(ILogger logger);
}
