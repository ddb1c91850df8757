namespace Wacht.Worker.Rotation.Validity;

/// <summary>The rotation sweep's validity check of delivered secrets, section <c>Worker:RotationSweep:Validity</c>.</summary>
public sealed class DeliveredSecretCheckOptions
{
    public const string SectionPath = "Worker:RotationSweep:Validity";

    /// <summary>Check delivered secrets against Wacht in each sweep run. Turn it off where the worker cannot reach the apps' hosts.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The share of clients checked per run, above 0 and at most 1. The clients are split by a stable hash of their id
    /// into <c>ceil(1 / Share)</c> slots, and each run (command window) checks the next slot: with 0.25 every client is
    /// checked once in 4 runs. Default 0.25.
    /// </summary>
    public double Share { get; set; } = 0.25;

    /// <summary>At most this many introspection calls per minute, over all deployments (a token bucket; the first ones go at once). Default 60.</summary>
    public int MaxChecksPerMinute { get; set; } = 60;

    /// <summary>
    /// How long one run may spend checking. Clients the rate limit leaves unchecked by then are reported as
    /// <c>rate_limited</c> (a later cycle checks them). Default 10 minutes.
    /// </summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Send a RotateSecret (trigger <c>schedule</c>) for each rejected secret, so the client gets a working one at once.
    /// The command id is derived from the client, the rejected secret's fingerprint and the command window, so a
    /// re-fired sweep does not rotate twice. A dry run never sends. Default false (report only).
    /// </summary>
    public bool RotateOnRejected { get; set; }
}
