namespace Wacht.Emulator;

public sealed class SeedSigningKey
{
    public string? Kid { get; set; }

    /// <summary><c>ES256</c> or <c>RS256</c>; defaults to the emulator's signing algorithm.</summary>
    public string? Algorithm { get; set; }

    /// <summary><c>active</c>, <c>retired</c> or <c>compromised</c>.</summary>
    public string Status { get; set; } = "active";

    /// <summary>SPKI PEM; a real key is generated when omitted.</summary>
    public string? PublicKeyPem { get; set; }
}
