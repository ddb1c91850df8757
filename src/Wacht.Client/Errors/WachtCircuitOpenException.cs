namespace Wacht.Client;

/// <summary>
/// The request was NOT sent because the circuit breaker of the deployment is open after repeated transient failures.
/// Transient; <see cref="WachtException.RetryAfter"/> is the remaining break time when known.
/// </summary>
public sealed class WachtCircuitOpenException : WachtException
{
    public WachtCircuitOpenException(string deploymentId, string operation, TimeSpan? retryAfter, Exception? innerException = null)
        : base(
            $"{Describe(operation, deploymentId)} was not sent: the circuit breaker of the deployment is open"
                + (retryAfter is { } wait ? $" for about {Math.Ceiling(wait.TotalSeconds):0}s more" : ""),
            deploymentId,
            operation,
            statusCode: null,
            serverMessage: null,
            isTransient: true,
            retryAfter,
            innerException)
    {
    }
}
