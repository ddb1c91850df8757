namespace Wacht.Worker.Rotation;

/// <summary>The values of <see cref="SweepDecision.Action"/>.</summary>
public static class SweepActions
{
    /// <summary>A RotateSecret command was sent.</summary>
    public const string Rotate = "rotate";

    /// <summary>Dry run: a RotateSecret command would have been sent.</summary>
    public const string WouldRotate = "would_rotate";

    /// <summary>Due, but the per-sweep cap was reached.</summary>
    public const string Deferred = "deferred";

    /// <summary>Within the warning window: SecretRotationDue published (or already published today).</summary>
    public const string Warn = "warn";

    /// <summary>Dry run: within the warning window; nothing published or recorded.</summary>
    public const string WouldWarn = "would_warn";
}
