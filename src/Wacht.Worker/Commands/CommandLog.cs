using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Commands;

/// <summary>The command pipeline's log events. Values logged here are ids, codes and counts: never secrets or keys.</summary>
internal static partial class CommandLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Executing {Kind} command (trigger {Trigger}, requested by {RequestedBy})")]
    public static partial void Executing(ILogger logger, string kind, string trigger, string? requestedBy);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "{Kind} command succeeded: published {EventType}")]
    public static partial void Succeeded(ILogger logger, string kind, string eventType);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "{Kind} command failed with {ErrorCode} (retryable: {Retryable}): {Reason}")]
    public static partial void Failed(ILogger logger, string kind, string errorCode, bool retryable, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "{Kind} command was already executed: re-published its recorded {EventType} without calling Wacht")]
    public static partial void Replayed(ILogger logger, string kind, string eventType);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "{Kind} command: re-executing after its recorded retryable failure (re-drive)")]
    public static partial void Reopened(ILogger logger, string kind);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "{Kind} command: transient failure on attempt {Attempt} of {Attempts}, retrying with backoff: {Reason}")]
    public static partial void Retrying(ILogger logger, string kind, int attempt, int attempts, string reason);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "{Kind} command: retry budget of {Attempts} attempts spent; published {ErrorCode} and moved the message to the error queue for re-drive")]
    public static partial void BudgetSpent(ILogger logger, string kind, int attempts, string errorCode);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Error, Message = "{Kind} command: unexpected error in the worker")]
    public static partial void Unexpected(ILogger logger, string kind, Exception exception);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "{Kind} command interrupted by shutdown; the broker will redeliver it")]
    public static partial void Interrupted(ILogger logger, string kind);
}
