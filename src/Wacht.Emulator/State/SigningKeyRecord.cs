namespace Wacht.Emulator;

internal sealed class SigningKeyRecord
{
    public required string Kid { get; init; }

    public required string Algorithm { get; init; }

    /// <summary><c>active</c>, <c>retired</c> or <c>compromised</c>.</summary>
    public required string Status { get; set; }

    public required string PublicKeyPem { get; init; }

    /// <summary>When the key was created (and activated). Not on the wire: the contract's key has no timestamps.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the key stopped being active (retired or compromised); null while active.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
}
