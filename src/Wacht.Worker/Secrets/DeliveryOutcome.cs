namespace Wacht.Worker.Secrets;

/// <summary>What a delivery did. Every value is a success for the caller except that <see cref="NewerPresent"/> delivered nothing.</summary>
public enum DeliveryOutcome
{
    /// <summary>The secret was written and is durable at the destination.</summary>
    Written,

    /// <summary>The same command's same secret was already there; nothing was written (idempotent re-delivery).</summary>
    AlreadyCurrent,

    /// <summary>
    /// The destination holds a secret issued later, by another command; nothing was written (an older secret never
    /// replaces a newer one). <see cref="DeliveryResult.Present"/> says what is there.
    /// </summary>
    NewerPresent,
}
