using Microsoft.Extensions.Logging;

namespace Wacht.Client;

/// <summary>
/// The client's log messages. None of them carries a body, a header, the API key or a secret.
/// </summary>
internal static partial class Log
{
    public const string CategoryName = "Wacht.Client";

    [LoggerMessage(EventId = 1, EventName = "WachtRequestCompleted", Level = LogLevel.Debug,
        Message = "Wacht {Operation} for deployment {DeploymentId} answered {StatusCode} in {ElapsedMs} ms (attempt {Attempt})")]
    public static partial void RequestCompleted(ILogger logger, string operation, string deploymentId, int statusCode, long elapsedMs, int attempt);

    [LoggerMessage(EventId = 2, EventName = "WachtRequestAttemptFailed", Level = LogLevel.Warning,
        Message = "Wacht {Operation} for deployment {DeploymentId} failed without a response after {ElapsedMs} ms (attempt {Attempt}): {FailureType}")]
    public static partial void AttemptFailed(ILogger logger, string operation, string deploymentId, long elapsedMs, int attempt, string failureType);

    [LoggerMessage(EventId = 3, EventName = "WachtRetryScheduled", Level = LogLevel.Warning,
        Message = "Retrying Wacht {Operation} for deployment {DeploymentId} in {DelayMs} ms after attempt {Attempt} failed: {Reason}")]
    public static partial void RetryScheduled(ILogger logger, string operation, string deploymentId, long delayMs, int attempt, string reason);

    [LoggerMessage(EventId = 4, EventName = "WachtRetryAfterTooLong", Level = LogLevel.Warning,
        Message = "Not retrying Wacht {Operation} for deployment {DeploymentId}: the server asked to wait {RetryAfterSeconds} s, more than MaxRetryAfter ({MaxRetryAfterSeconds} s)")]
    public static partial void RetryAfterTooLong(ILogger logger, string operation, string deploymentId, double retryAfterSeconds, double maxRetryAfterSeconds);

    [LoggerMessage(EventId = 5, EventName = "WachtCircuitOpened", Level = LogLevel.Warning,
        Message = "Circuit breaker for Wacht deployment {DeploymentId} opened for {BreakMs} ms after: {Reason}")]
    public static partial void CircuitOpened(ILogger logger, string deploymentId, long breakMs, string reason);

    [LoggerMessage(EventId = 6, EventName = "WachtCircuitHalfOpened", Level = LogLevel.Information,
        Message = "Circuit breaker for Wacht deployment {DeploymentId} is half-open; the next call probes the server")]
    public static partial void CircuitHalfOpened(ILogger logger, string deploymentId);

    [LoggerMessage(EventId = 7, EventName = "WachtCircuitClosed", Level = LogLevel.Information,
        Message = "Circuit breaker for Wacht deployment {DeploymentId} closed")]
    public static partial void CircuitClosed(ILogger logger, string deploymentId);

    // Warning, not Error: the caller decides what an unknown outcome means (the worker rotates again and says so).
    [LoggerMessage(EventId = 8, EventName = "WachtOutcomeUnknown", Level = LogLevel.Warning,
        Message = "Outcome of Wacht {Operation} for deployment {DeploymentId} is unknown ({Reason}); it was not retried and the server may have processed it")]
    public static partial void OutcomeUnknown(ILogger logger, string operation, string deploymentId, string reason);

    [LoggerMessage(EventId = 9, EventName = "WachtCircuitRejected", Level = LogLevel.Warning,
        Message = "Wacht {Operation} for deployment {DeploymentId} was not sent: the circuit is open")]
    public static partial void CircuitRejected(ILogger logger, string operation, string deploymentId);

    [LoggerMessage(EventId = 10, EventName = "WachtDeactivateRetriedNotFound", Level = LogLevel.Information,
        Message = "Wacht deactivateOAuthClient for deployment {DeploymentId} answered 404 on attempt {Attempt} after an earlier attempt may have succeeded; treating the client as deactivated")]
    public static partial void DeactivateRetriedNotFound(ILogger logger, string deploymentId, int attempt);

    [LoggerMessage(EventId = 11, EventName = "WachtCancelledAfterSend", Level = LogLevel.Warning,
        Message = "Wacht {Operation} for deployment {DeploymentId} was cancelled by the caller after the request may have reached the server; its outcome is unknown")]
    public static partial void CancelledAfterSend(ILogger logger, string operation, string deploymentId);

    [LoggerMessage(EventId = 12, EventName = "WachtApiKeyFileLoaded", Level = LogLevel.Information,
        Message = "Loaded the API key of Wacht deployment {DeploymentId} from {ApiKeyFile} (changed: {Changed})")]
    public static partial void ApiKeyFileLoaded(ILogger logger, string deploymentId, string apiKeyFile, bool changed);

    [LoggerMessage(EventId = 13, EventName = "WachtRequestFailed", Level = LogLevel.Information,
        Message = "Wacht {Operation} for deployment {DeploymentId} failed: {ExceptionType} (status {StatusCode}, transient {IsTransient})")]
    public static partial void RequestFailed(ILogger logger, string operation, string deploymentId, string exceptionType, int statusCode, bool isTransient);
}
