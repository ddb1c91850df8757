namespace Wacht.Emulator;

internal sealed class SigningKeyRecord
{
    public required string Kid { get; init; }

    public required string Algorithm { get; init; }

    /// <summary><c>active</c>, <c>retired</c> or <c>compromised</c>.</summary>
    public required string Status { get; set; }

    public required string PublicKeyPem { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
