namespace Wacht.Worker.Secrets;

/// <summary>
/// Where rotated secrets go: the only place a secret may be written in clear. Delivery must be idempotent (delivering
/// the same secret twice leaves the same result) and durable when it returns. The default is <c>FileSecretDestination</c>;
/// Kubernetes Secret and Vault destinations implement the same interface.
/// </summary>
public interface ISecretDestination
{
    /// <summary>The destination's configured name, reported in <c>SecretRotated.Destination</c>.</summary>
    string Name { get; }

    /// <summary>The key the secret of this client is (or will be) stored under, e.g. a relative file path.</summary>
    string KeyFor(string deploymentId, string appSlug, string clientId);

    /// <summary>Stores the secret, replacing the client's previous one atomically. Returns the key it was stored under.</summary>
    Task<string> DeliverAsync(SecretDelivery delivery, CancellationToken cancellationToken);
}
