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
}
