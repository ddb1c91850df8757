using Wacht.Client;

namespace Wacht.Worker.Secrets;

/// <summary>A new client secret to hand to a secret destination. <see cref="object.ToString"/> redacts the secret.</summary>
/// <param name="CommandId">The command that rotated it: re-delivering the same command's secret is a no-op.</param>
/// <param name="ClientId">The client's public <c>client_id</c>.</param>
/// <param name="RotatedAt">When Wacht issued it: orders deliveries, so an older secret never replaces a newer one.</param>
public sealed record SecretDelivery(
    Guid CommandId,
    string DeploymentId,
    string AppSlug,
    string OAuthClientId,
    string ClientId,
    ClientSecret Secret,
    DateTimeOffset RotatedAt)
{
    /// <summary>Whose secret this is.</summary>
    public SecretTarget Target => new(DeploymentId, AppSlug, OAuthClientId, ClientId);

    /// <summary>
    /// Wacht was seen to accept this secret just before the delivery: it is the client's current secret, and replaces
    /// whatever the destination holds (see <see cref="SecretStamp.VerifiedCurrent"/>).
    /// </summary>
    public bool VerifiedCurrent { get; init; }

    /// <summary>What identifies this secret and orders it against others, without the secret.</summary>
    public SecretStamp Stamp => new(CommandId, RotatedAt, Secret.Fingerprint, VerifiedCurrent);
}
