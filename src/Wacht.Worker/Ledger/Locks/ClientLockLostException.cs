namespace Wacht.Worker.Ledger;

/// <summary>A held client lock was lost (its database session ended); the command must stop and try again later.</summary>
public sealed class ClientLockLostException(string message, Exception? innerException = null) : Exception(message, innerException);
