namespace Wacht.Worker.Ledger;

/// <summary>One successful rotation in the ledger's rotation history.</summary>
/// <param name="ClientId">The client's public <c>client_id</c>.</param>
/// <param name="Destination">The configured name of the destination the secret went to.</param>
/// <param name="DestinationKey">Where in that destination.</param>
/// <param name="SecretFingerprint">The first 12 hex digits of the SHA-256 of the new secret.</param>
/// <param name="SentBy">The broker-validated user that sent the command (beside the free-text <paramref name="RequestedBy"/>).</param>
/// <param name="Route">The route that chose the destination.</param>
/// <param name="VerifiedAt">When Wacht was seen to accept the delivered secret; null when verification is off.</param>
public sealed record RotationRecord(
    Guid CommandId,
    string DeploymentId,
    string AppSlug,
    string OAuthClientId,
    string ClientId,
    DateTimeOffset RotatedAt,
    string Trigger,
    string? RequestedBy,
    string? Reason,
    string Destination,
    string DestinationKey,
    string SecretFingerprint,
    string? SentBy = null,
    string? Route = null,
    DateTimeOffset? VerifiedAt = null);
