namespace Wacht.Worker.Rotation;

/// <summary>Secret rotation settings, section <c>Worker:Rotation</c>.</summary>
public sealed class RotationOptions
{
    public const string SectionPath = "Worker:Rotation";

    /// <summary>
    /// When false the worker refuses <c>RotateSecret</c> commands (<c>rotation_disabled</c>) without calling Wacht, and
    /// needs no ledger encryption key.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Check every delivered secret against Wacht's runtime endpoint (the app's <c>/oauth/introspect</c>) before the
    /// rotation is reported, and every pending secret before it is delivered (true). Turn it off only where the worker
    /// cannot reach the apps' hosts: then a secret that Wacht no longer accepts (a late rotate call, a rotation from the
    /// dashboard) can be reported as delivered, and only the destination's ordering keeps a stale secret out.
    /// </summary>
    public bool Verify { get; set; } = true;

    /// <summary>
    /// How long a rotate call whose answer was lost (a timeout, a dropped connection, a 502/504) may still take effect
    /// at Wacht. No new rotate call is made for the client until it has passed: a late call would invalidate the
    /// newer secret. Set it above the longest time Wacht (and any gateway in front of it) may hold a request.
    /// </summary>
    public TimeSpan InFlightWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How many rotate calls one attempt of a command may make when Wacht rejects the secret it just delivered
    /// (someone else rotated in between); past that the command fails with <c>secret_verification_failed</c>.
    /// </summary>
    public int MaxRotationsPerAttempt { get; set; } = 3;
}
