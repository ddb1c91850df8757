namespace Wacht.Worker.Ledger;

/// <summary>
/// One change this worker made to an app's signing keys (a successful RotateSigningKey or CompromiseSigningKey), as the
/// ledger's history keeps it: what the sweep measures a key's age from, and what tells a compromised key from an unknown one.
/// </summary>
/// <param name="Kind"><see cref="Rotate"/> or <see cref="Compromise"/>.</param>
/// <param name="Kid">The key the change is about: the new active key of a rotation, the compromised key of a compromise.</param>
/// <param name="PreviousKid">The app's active key before the change (null when none was listed).</param>
/// <param name="ActiveKid">
/// The app's active key right after the change, as read back (null when none was listed). The change created it when
/// it differs from <paramref name="PreviousKid"/> (a rotation; a compromise of the active key).
/// </param>
/// <param name="ChangedAt">
/// When the worker recorded its intent to call Wacht for this change: the new active key was created after this
/// instant, so a key age measured from here is never short.
/// </param>
public sealed record SigningKeyChange(
    Guid CommandId,
    string DeploymentId,
    string AppSlug,
    string Kind,
    string Kid,
    string? PreviousKid,
    string? ActiveKid,
    DateTimeOffset ChangedAt,
    string Trigger,
    string? RequestedBy,
    string? Reason)
{
    /// <summary>A rotation: <see cref="Kid"/> became the active key.</summary>
    public const string Rotate = "rotate";

    /// <summary>A compromise: <see cref="Kid"/> was marked compromised.</summary>
    public const string Compromise = "compromise";

    /// <summary>Whether this change made <paramref name="kid"/> the active key (so the key is younger than <see cref="ChangedAt"/>).</summary>
    public bool Created(string kid) =>
        string.Equals(ActiveKid, kid, StringComparison.Ordinal) && !string.Equals(PreviousKid, kid, StringComparison.Ordinal);
}
