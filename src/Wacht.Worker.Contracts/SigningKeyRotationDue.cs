using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// Event: an app's active signing key is within the warning window of the maximum signing-key age and will be rotated by
/// the sweep on or after <see cref="DueAt"/>. Published at most once per app per day.
/// </summary>
[MessageUrn("wacht-worker:signing-key-rotation-due:v1")]
[EntityName("wacht-worker.signing-key-rotation-due")]
public sealed record SigningKeyRotationDue
{
    /// <summary>The sweep run that noticed it.</summary>
    public Guid RunId { get; init; }

    public string DeploymentId { get; init; } = "";

    public string AppSlug { get; init; } = "";

    /// <summary>The active key's <c>kid</c>.</summary>
    public string Kid { get; init; } = "";

    /// <summary>The earliest the key can have been created, by <see cref="KeyAgeSource"/>: its age is measured from here.</summary>
    public DateTimeOffset KeyIssuedAt { get; init; }

    /// <summary>
    /// Where <see cref="KeyIssuedAt"/> comes from: <c>ledger</c> (this worker rotated to the key), <c>observed</c> (the
    /// sweep saw another key active then) or <c>app_created_at</c> (neither; the app's creation).
    /// </summary>
    public string KeyAgeSource { get; init; } = "";

    /// <summary>When the key reaches the maximum age.</summary>
    public DateTimeOffset DueAt { get; init; }

    /// <summary>The maximum signing-key age in force, in days.</summary>
    public double MaxAgeDays { get; init; }
}
