namespace Wacht.Worker.Commands;

/// <summary>
/// Thrown by a consumer to ask the endpoint's in-process retry policy for another attempt (the only exception type
/// that policy handles). On the last attempt the consumer publishes the failure event instead and throws
/// <see cref="RetryBudgetExhaustedException"/>, which sends the message to the <c>_error</c> queue for re-drive.
/// </summary>
public sealed class TransientCommandException(string message, Exception innerException) : Exception(message, innerException);
