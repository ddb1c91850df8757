namespace Wacht.Worker.Secrets;

/// <summary>
/// Identifies a delivered secret without revealing it, and orders it: the command that rotated it, when Wacht issued it
/// and its fingerprint (first 12 hex digits of its SHA-256).
/// </summary>
public sealed record SecretStamp(Guid CommandId, DateTimeOffset RotatedAt, string Fingerprint);
