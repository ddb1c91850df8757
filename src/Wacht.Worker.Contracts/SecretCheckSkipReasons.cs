namespace Wacht.Worker.Contracts;

/// <summary>
/// Why the sweep's validity check did not check a client's delivered secret: the keys of
/// <see cref="SecretCheckSummary.Skipped"/>. The sweep's own reasons come first and keep their names
/// (<see cref="SweepSkipReasons.Filtered"/>, <see cref="SweepSkipReasons.AppInactive"/>,
/// <see cref="SweepSkipReasons.Inactive"/>, <see cref="SweepSkipReasons.NoSecret"/>).
/// </summary>
public static class SecretCheckSkipReasons
{
    /// <summary>The client is not in this run's share (it is checked in another run of the cycle).</summary>
    public const string NotInShare = "not_in_share";

    /// <summary>No secret is stored for the client (no route matches it, or nothing is at its key).</summary>
    public const string NothingDelivered = "nothing_delivered";

    /// <summary>The destination could not be read (unreachable, forbidden, damaged item, invalid key).</summary>
    public const string DestinationUnreadable = "destination_unreadable";

    /// <summary>A rotate call of the client may still take effect at Wacht: the destination is about to change.</summary>
    public const string RotationInFlight = "rotation_in_flight";

    /// <summary>This run sent the client a RotateSecret (it is due): that rotation checks its own secret.</summary>
    public const string RotationSent = "rotation_sent";

    /// <summary>The run's check budget (<c>MaxChecksPerMinute</c> over <c>MaxDuration</c>) was used up: a later run of the cycle checks it.</summary>
    public const string RateLimited = "rate_limited";
}
