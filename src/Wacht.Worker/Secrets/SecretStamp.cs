namespace Wacht.Worker.Secrets;

/// <summary>
/// Identifies a delivered secret without revealing it, and orders it: the command that rotated it, when Wacht issued it
/// and its fingerprint (first 12 hex digits of its SHA-256).
/// </summary>
/// <param name="VerifiedCurrent">
/// For a delivery: Wacht was just seen to accept this secret, so it is the client's current one whatever the issue
/// times say (they come from the clocks of the instances that rotated; a skewed clock can make a dead secret look
/// newer). Never set on what a destination reports it holds.
/// </param>
public sealed record SecretStamp(Guid CommandId, DateTimeOffset RotatedAt, string Fingerprint, bool VerifiedCurrent = false);
