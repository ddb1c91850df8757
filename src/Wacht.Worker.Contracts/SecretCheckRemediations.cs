namespace Wacht.Worker.Contracts;

/// <summary>What the sweep did about a rejected delivered secret: the values of <see cref="DeliveredSecretRejected.Remediation"/>.</summary>
public static class SecretCheckRemediations
{
    /// <summary>Reported only (<c>Worker:RotationSweep:Validity:RotateOnRejected</c> is false, the default).</summary>
    public const string Reported = "reported";

    /// <summary>A RotateSecret (trigger <c>schedule</c>) was sent; its id is <see cref="DeliveredSecretRejected.RotateCommandId"/>.</summary>
    public const string RotateRequested = "rotate_requested";

    /// <summary>Dry run: a rotation would have been sent.</summary>
    public const string WouldRotate = "would_rotate";
}
