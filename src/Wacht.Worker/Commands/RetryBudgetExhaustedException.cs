namespace Wacht.Worker.Commands;

/// <summary>
/// The retry budget of a command is spent: the failure event has been published and the ledger records a retryable
/// failure. Thrown so MassTransit moves the message to the <c>_error</c> queue, from where it can be re-driven.
/// </summary>
public sealed class RetryBudgetExhaustedException(string message, Exception innerException) : Exception(message, innerException);
