namespace Wacht.Emulator;

/// <summary>A signing key of a seeded app. Keys are listed in creation order (oldest first); at most one is active.</summary>
public sealed class SeedSigningKey
{
    public string? Kid { get; set; }

    /// <summary><c>ES256</c> or <c>RS256</c>; defaults to the emulator's signing algorithm.</summary>
    public string? Algorithm { get; set; }

    /// <summary><c>active</c>, <c>retired</c> or <c>compromised</c>.</summary>
    public string Status { get; set; } = "active";

    /// <summary>SPKI PEM; a real key is generated when omitted.</summary>
    public string? PublicKeyPem { get; set; }

    /// <summary>
    /// When the key was created; defaults to the app's <c>created_at</c>. Emulator state only (the contract's signing
    /// key carries no timestamps); readable through <see cref="EmulatorState.GetSigningKeys"/>.
    /// </summary>
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>When a retired or compromised key stopped being active; defaults to its <c>created_at</c>.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
}
