namespace Wacht.Emulator;

/// <summary>
/// An app signing key as the emulator holds it, for tests: compromised keys included, with the timestamps the
/// contract's wire shape does not carry.
/// </summary>
/// <param name="Status"><c>active</c>, <c>retired</c> or <c>compromised</c>.</param>
/// <param name="RetiredAt">When the key stopped being active; null while active.</param>
public sealed record EmulatorSigningKey(string Kid, string Algorithm, string Status, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt);
