namespace Wacht.Worker.Secrets;

/// <summary>
/// Where rotated secrets go: the only place a secret may be written in clear. One instance per configured destination
/// (<c>Worker:Secrets:Destinations:{name}</c>). Every implementation passes <c>SecretDestinationContractTests</c>:
/// <list type="bullet">
/// <item>an older secret never replaces a newer one (<see cref="DeliveryOutcome.NewerPresent"/>), using the
/// destination's own concurrency control together with <see cref="SecretOrdering"/>;</item>
/// <item>re-delivering the same command's secret changes nothing (<see cref="DeliveryOutcome.AlreadyCurrent"/>);</item>
/// <item>a delivery that returns is durable; one that throws leaves the previous secret intact (nothing half-written);</item>
/// <item>no secret in logs, exception messages or SDK diagnostics.</item>
/// </list>
/// </summary>
public interface ISecretDestination
{
    /// <summary>The configured name, reported in <c>SecretRotated.Destination</c>.</summary>
    string Name { get; }

    /// <summary>The kind: <c>file</c>, <c>kubernetes</c>, <c>vault</c>, <c>aws-secrets-manager</c> or <c>azure-key-vault</c>.</summary>
    string Kind { get; }

    /// <summary>
    /// The key the target's secret is stored under (a relative file path, a Secret name, a KV path…). Pure: expands
    /// <paramref name="keyTemplate"/> (null: the destination's default) with the target's values and checks the
    /// result for this destination.
    /// </summary>
    /// <exception cref="SecretKeyException">The target cannot be stored here under this template; the message names the problem.</exception>
    string KeyFor(SecretTarget target, string? keyTemplate);

    /// <summary>
    /// Checks, before anything is rotated, that the destination is reachable and that the worker may write
    /// <paramref name="key"/> (file: the directories are safe and writable; Kubernetes: SelfSubjectAccessReview). May
    /// prepare what a write needs (e.g. create the owner-only directories) but writes no secret.
    /// </summary>
    /// <exception cref="SecretDestinationException">Unreachable, forbidden or invalid; the message is safe to publish.</exception>
    Task PreflightAsync(string key, SecretTarget target, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the secret under <paramref name="key"/>, unless the same secret or a newer one is already there. Durable
    /// when it returns; on an exception the previous secret at the key is left as it was.
    /// </summary>
    /// <exception cref="SecretDestinationException">The destination refused or could not be reached.</exception>
    Task<DeliveryResult> DeliverAsync(string key, SecretDelivery delivery, CancellationToken cancellationToken);

    /// <summary>What the application reads at <paramref name="key"/>, or null when nothing is stored there.</summary>
    Task<StoredSecret?> ReadAsync(string key, CancellationToken cancellationToken);
}
