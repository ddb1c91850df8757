using Microsoft.Extensions.Logging;

namespace Wacht.Client;

/// <summary>Log messages of client secret checks (category <c>Wacht.Client</c>). None carries a secret, an assertion or a header.</summary>
internal static partial class SecretCheckLog
{
    [LoggerMessage(EventId = 101, EventName = "WachtSecretCheckAttempt", Level = LogLevel.Debug,
        Message = "Wacht secret check of client {ClientId} at {AppHost} (deployment {DeploymentId}) answered {StatusCode} in {ElapsedMs} ms (attempt {Attempt})")]
    public static partial void AttemptCompleted(ILogger logger, string clientId, string appHost, string deploymentId, int statusCode, long elapsedMs, int attempt);

    [LoggerMessage(EventId = 102, EventName = "WachtSecretCheckRetry", Level = LogLevel.Warning,
        Message = "Retrying the Wacht secret check of client {ClientId} at {AppHost} (deployment {DeploymentId}) in {DelayMs} ms after attempt {Attempt} failed: {Reason}")]
    public static partial void RetryScheduled(ILogger logger, string clientId, string appHost, string deploymentId, long delayMs, int attempt, string reason);

    [LoggerMessage(EventId = 103, EventName = "WachtSecretChecked", Level = LogLevel.Information,
        Message = "Wacht secret check of client {ClientId} at {AppHost} (deployment {DeploymentId}): {Result}")]
    public static partial void Checked(ILogger logger, string clientId, string appHost, string deploymentId, SecretCheck result);

    [LoggerMessage(EventId = 104, EventName = "WachtSecretCheckFailed", Level = LogLevel.Warning,
        Message = "Wacht secret check of client {ClientId} at {AppHost} (deployment {DeploymentId}) failed: {ExceptionType} (status {StatusCode}, transient {IsTransient})")]
    public static partial void Failed(ILogger logger, string clientId, string appHost, string deploymentId, string exceptionType, int statusCode, bool isTransient);
}
