namespace Wacht.Worker.Secrets;

/// <summary>
/// The one rule every destination applies, under its own concurrency control, before it writes: never replace a newer
/// secret with an older one, and treat the same command's same secret as already delivered. Pure.
/// </summary>
public static class SecretOrdering
{
    /// <summary>
    /// Whether to write <paramref name="delivered"/> over what the destination holds (<paramref name="present"/>, null
    /// when nothing). A delivery Wacht was just seen to accept (<see cref="SecretStamp.VerifiedCurrent"/>) replaces
    /// anything but itself.
    /// </summary>
    public static DeliveryOutcome Decide(SecretStamp? present, SecretStamp delivered)
    {
        ArgumentNullException.ThrowIfNull(delivered);
        if (present is null)
        {
            return DeliveryOutcome.Written;
        }

        if (present.CommandId == delivered.CommandId && string.Equals(present.Fingerprint, delivered.Fingerprint, StringComparison.Ordinal))
        {
            return DeliveryOutcome.AlreadyCurrent;
        }

        if (delivered.VerifiedCurrent)
        {
            // Wacht accepts the delivered secret, so whatever else is there no longer works, however new it looks.
            return DeliveryOutcome.Written;
        }

        if (present.RotatedAt != delivered.RotatedAt)
        {
            return present.RotatedAt > delivered.RotatedAt ? DeliveryOutcome.NewerPresent : DeliveryOutcome.Written;
        }

        // Same issue time (two instances' clocks, or a clock that did not advance): a fixed tie-break on the command id
        // and then the fingerprint, so that two racing deliveries end with the same winner whichever writes first.
        var byCommand = present.CommandId.CompareTo(delivered.CommandId);
        var order = byCommand != 0 ? byCommand : string.CompareOrdinal(present.Fingerprint, delivered.Fingerprint);
        return order > 0 ? DeliveryOutcome.NewerPresent : DeliveryOutcome.Written;
    }
}
