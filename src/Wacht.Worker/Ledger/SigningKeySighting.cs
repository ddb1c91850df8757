namespace Wacht.Worker.Ledger;

/// <summary>
/// The active signing key the rotation sweep last saw for an app, kept in the job ledger (one row per app). It bounds
/// the age of a key this worker did not create: a key first seen after another one was seen active was created after
/// the last time that other one was seen (<see cref="CreatedAfter"/>).
/// </summary>
/// <param name="Kid">The active key seen.</param>
/// <param name="FirstSeenAt">When the sweep first saw <paramref name="Kid"/> active (since it last saw another key active).</param>
/// <param name="LastSeenAt">When the sweep last saw it active.</param>
/// <param name="CreatedAfter">
/// The last time the sweep saw a different key active before it first saw this one: the key was created after that
/// instant. Null when the first sighting of the app was already this key (then nothing bounds its creation but the app's).
/// </param>
public sealed record SigningKeySighting(
    string DeploymentId,
    string AppSlug,
    string Kid,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset? CreatedAfter)
{
    /// <summary>
    /// The sighting after seeing <paramref name="kid"/> active at <paramref name="seenAt"/>, given the previous one (what
    /// <see cref="IJobLedger.RecordSigningKeySightingAsync"/> stores, atomically; a dry run computes it without storing).
    /// </summary>
    public static SigningKeySighting Next(SigningKeySighting? previous, string deploymentId, string appSlug, string kid, DateTimeOffset seenAt)
    {
        ArgumentNullException.ThrowIfNull(kid);
        if (previous is null)
        {
            return new SigningKeySighting(deploymentId, appSlug, kid, seenAt, seenAt, null);
        }

        return string.Equals(previous.Kid, kid, StringComparison.Ordinal)
            ? previous with { LastSeenAt = seenAt }
            : new SigningKeySighting(deploymentId, appSlug, kid, seenAt, seenAt, previous.LastSeenAt);
    }
}
