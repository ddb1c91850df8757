namespace Wacht.Worker.Contracts;

/// <summary>
/// Why the rotation sweep did not rotate a client it saw (the keys of <see cref="RotationSweepCompleted.Skipped"/>), or an
/// app's signing key (<see cref="RotationSweepCompleted.SigningKeysSkipped"/>: <c>not_due</c>, <c>filtered</c>,
/// <c>app_inactive</c>, <c>no_active_key</c>, <c>cap_reached</c>).
/// </summary>
public static class SweepSkipReasons
{
    /// <summary>The secret is younger than the maximum age.</summary>
    public const string NotDue = "not_due";

    /// <summary>The client is deactivated.</summary>
    public const string Inactive = "inactive";

    /// <summary>The client's auth method has no secret (<c>none</c>, <c>private_key_jwt</c>).</summary>
    public const string NoSecret = "no_secret";

    /// <summary>An include/exclude filter (deployment, app slug, client id) left the client out.</summary>
    public const string Filtered = "filtered";

    /// <summary>Due, but the per-sweep cap was reached: the next sweep takes it.</summary>
    public const string CapReached = "cap_reached";

    /// <summary>The client's app is inactive.</summary>
    public const string AppInactive = "app_inactive";

    /// <summary>Signing keys: the app lists no active key, so there is no key to age (the grant audit reports it).</summary>
    public const string NoActiveKey = "no_active_key";
}
