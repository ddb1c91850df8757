namespace Wacht.Worker.Secrets;

/// <summary>The result of <see cref="ISecretDestination.DeliverAsync"/>.</summary>
/// <param name="Outcome">What the delivery did.</param>
/// <param name="Key">The key the secret is (or was to be) stored under.</param>
/// <param name="Present">What the destination holds for the key after the call: the delivered secret's stamp for
/// <see cref="DeliveryOutcome.Written"/> and <see cref="DeliveryOutcome.AlreadyCurrent"/>, the newer secret's for
/// <see cref="DeliveryOutcome.NewerPresent"/>.</param>
public sealed record DeliveryResult(DeliveryOutcome Outcome, string Key, SecretStamp Present)
{
    public static DeliveryResult Written(string key, SecretStamp delivered) => new(DeliveryOutcome.Written, key, delivered);

    public static DeliveryResult AlreadyCurrent(string key, SecretStamp delivered) => new(DeliveryOutcome.AlreadyCurrent, key, delivered);

    public static DeliveryResult NewerPresent(string key, SecretStamp present) => new(DeliveryOutcome.NewerPresent, key, present);
}
