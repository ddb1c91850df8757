using Wacht.Client;

namespace Wacht.Worker.Secrets;

/// <summary>
/// A secret as the application sees it at the destination (<see cref="ISecretDestination.ReadAsync"/>).
/// <see cref="object.ToString"/> redacts the secret.
/// </summary>
/// <param name="ClientId">The <c>client_id</c> stored beside the secret.</param>
/// <param name="RotatedAt">When Wacht issued it, as the destination recorded it.</param>
/// <param name="CommandId">The command that delivered it.</param>
/// <param name="Version">The destination's own version of the stored item (file: inode and modification time;
/// Kubernetes: <c>resourceVersion</c>): it changes on every write and only then.</param>
public sealed record StoredSecret(
    string ClientId,
    ClientSecret Secret,
    DateTimeOffset RotatedAt,
    Guid CommandId,
    string Version)
{
    /// <summary>The secret's fingerprint (first 12 hex digits of its SHA-256).</summary>
    public string Fingerprint => Secret.Fingerprint;

    /// <summary>The stamp used to order this secret against a delivery.</summary>
    public SecretStamp Stamp => new(CommandId, RotatedAt, Secret.Fingerprint);
}
