using System.Buffers.Binary;
using System.Globalization;
using Wacht.Worker.Contracts;
using Wacht.Worker.Jobs;

namespace Wacht.Worker.Rotation.Validity;

/// <summary>
/// The validity check's policy, pure (no I/O, no clock): which clients a sweep run checks, in what order, and what it
/// does about a rejected secret.
/// </summary>
/// <remarks>
/// <para>
/// Selection: each client falls in one of <see cref="Cycle"/> slots by a stable hash of its deployment and record id,
/// and the run whose command window has index <c>w</c> checks slot <c>w mod Cycle</c>. So every client is checked
/// exactly once in any <see cref="Cycle"/> consecutive windows, a client's slot never changes when others are added or
/// removed, and the walk can decide per client as it streams (nothing is collected but the selected share). A slot
/// holds about <c>Share</c> of the clients, not exactly: the hash spreads them, it does not count them.
/// </para>
/// <para>
/// Runs in the same window (a re-fired or manual sweep) check the same slot again; that only repeats checks.
/// </para>
/// </remarks>
public static class DeliveredSecretPolicy
{
    /// <summary>Runs in which every client is checked once: <c>ceil(1 / share)</c>.</summary>
    public static int Cycle(double share)
    {
        if (!(share > 0 && share <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(share), share, "The share must be above 0 and at most 1.");
        }

        // The epsilon keeps 1 / 0.2 (4.999…) or 1 / 0.1 from rounding up to an extra slot.
        return (int)Math.Ceiling((1 / share) - 1e-9);
    }

    /// <summary>The slot a run checks: the index of its command window (whole windows since the Unix epoch) modulo <paramref name="cycle"/>.</summary>
    public static int RunSlot(DateTimeOffset windowStart, TimeSpan window, int cycle)
    {
        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The command window must be positive.");
        }

        return (int)(((WindowIndex(windowStart, window) % cycle) + cycle) % cycle);
    }

    /// <summary>The slot of a client: a stable hash of its deployment and record id, modulo <paramref name="cycle"/>.</summary>
    public static int ClientSlot(string deploymentId, string oauthClientId, int cycle) =>
        (int)(Hash("delivered-secret-slot", deploymentId, oauthClientId) % (ulong)cycle);

    /// <summary>
    /// Whether the run checks the client: the sweep's own skip reason first (<c>filtered</c>, <c>app_inactive</c>,
    /// <c>inactive</c>, <c>no_secret</c>: a client whose auth method has no secret has nothing to check), then
    /// <see cref="SecretCheckSkipReasons.NotInShare"/> when the client is in another slot. Null: check it.
    /// </summary>
    /// <param name="sweepSkipReason">What <see cref="RotationPolicy.Screen"/> said about the client.</param>
    public static string? Screen(string? sweepSkipReason, string deploymentId, string oauthClientId, int runSlot, int cycle) =>
        sweepSkipReason ?? (ClientSlot(deploymentId, oauthClientId, cycle) == runSlot ? null : SecretCheckSkipReasons.NotInShare);

    /// <summary>
    /// The order of the run's checks: a hash of the client and the cycle, so that when the rate limit cuts a run short
    /// the clients left for the next cycle are not always the same ones.
    /// </summary>
    public static ulong OrderKey(string deploymentId, string oauthClientId, DateTimeOffset windowStart, TimeSpan window, int cycle) =>
        Hash(
            "delivered-secret-order",
            deploymentId,
            oauthClientId,
            (WindowIndex(windowStart, window) / cycle).ToString(CultureInfo.InvariantCulture));

    /// <summary>What the run does about a rejected secret.</summary>
    public static string Remediation(bool rotateOnRejected, bool dryRun) =>
        !rotateOnRejected ? SecretCheckRemediations.Reported
        : dryRun ? SecretCheckRemediations.WouldRotate
        : SecretCheckRemediations.RotateRequested;

    /// <summary>
    /// The id of the RotateSecret sent for a rejected secret: the same client, rejected secret and command window give
    /// the same id, so a re-fired sweep does not rotate twice; a secret still rejected in a later window gets a new one.
    /// </summary>
    public static Guid CommandId(string deploymentId, string oauthClientId, string rejectedFingerprint, DateTimeOffset windowStart) =>
        DeterministicGuid.Create(
            "delivered-secret-rejected",
            deploymentId,
            oauthClientId,
            rejectedFingerprint,
            windowStart.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));

    /// <summary>The audit-trail reason of that RotateSecret.</summary>
    public static string Reason(string destination, string destinationKey, string rejectedFingerprint) =>
        $"Wacht rejects the secret at {destination}:{destinationKey} (fingerprint {rejectedFingerprint}); rotating to restore a working one";

    private static long WindowIndex(DateTimeOffset windowStart, TimeSpan window)
    {
        var sinceEpoch = windowStart.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var index = sinceEpoch / window.Ticks;
        return sinceEpoch % window.Ticks < 0 ? index - 1 : index;
    }

    private static ulong Hash(params string[] parts)
    {
        Span<byte> bytes = stackalloc byte[16];
        DeterministicGuid.Create(parts).TryWriteBytes(bytes, bigEndian: true, out _);

        // Bytes 0..5 are untouched by the version and variant bits.
        return BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16;
    }
}
