namespace Wacht.Worker.Secrets;

/// <summary>
/// Transitional: the delivery call the rotate consumer made before routing existed, kept so that the consumer builds
/// unchanged while it is being reworked. It delivers at the destination's default key. Remove it once the consumer
/// resolves a <see cref="SecretRoute"/> and calls <see cref="ISecretDestination.DeliverAsync"/> itself.
/// </summary>
internal static class SecretDestinationTransition
{
    /// <summary>Delivers at the default key; returns the key. A newer secret at the destination is a failure here (nothing is overwritten).</summary>
    public static async Task<string> DeliverAsync(this ISecretDestination destination, SecretDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(delivery);
        var key = destination.KeyFor(delivery.Target, null);
        var result = await destination.DeliverAsync(key, delivery, cancellationToken);
        return result.Outcome != DeliveryOutcome.NewerPresent
            ? key
            : throw new SecretDestinationException(
                SecretDestinationFailure.Conflict,
                $"Destination '{destination.Name}' holds a newer secret at {key} (command {result.Present.CommandId}, fingerprint {result.Present.Fingerprint}); the older one was not written.");
    }
}
