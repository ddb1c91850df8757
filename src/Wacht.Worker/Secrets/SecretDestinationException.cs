namespace Wacht.Worker.Secrets;

/// <summary>
/// A destination could not check, write or read a secret. <see cref="Exception.Message"/> is safe to publish: it names
/// the destination, the key or path and the reason, never a secret or a credential.
/// </summary>
public sealed class SecretDestinationException(SecretDestinationFailure reason, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>Why it failed.</summary>
    public SecretDestinationFailure Reason { get; } = reason;

    /// <summary>Whether trying again later, unchanged, can succeed.</summary>
    public bool Transient => Reason is SecretDestinationFailure.Unreachable or SecretDestinationFailure.Conflict;
}
