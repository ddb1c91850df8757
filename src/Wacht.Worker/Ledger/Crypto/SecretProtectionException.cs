namespace Wacht.Worker.Ledger;

/// <summary>A pending secret cannot be encrypted or decrypted. The message never contains a key or a secret.</summary>
public sealed class SecretProtectionException : Exception
{
    public SecretProtectionException()
    {
    }

    public SecretProtectionException(string message)
        : base(message)
    {
    }

    public SecretProtectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
