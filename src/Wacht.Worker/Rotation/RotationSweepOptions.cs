namespace Wacht.Worker.Rotation;

/// <summary>The scheduled secret-rotation sweep, section <c>Worker:RotationSweep</c>.</summary>
public sealed class RotationSweepOptions
{
    public const string SectionPath = "Worker:RotationSweep";

    /// <summary>Whether the sweep is scheduled. The on-demand <c>sweep</c> command works either way.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Quartz cron expression (seconds first), evaluated in UTC. Default: daily at 03:00 UTC.</summary>
    public string Cron { get; set; } = "0 0 3 * * ?";

    /// <summary>A secret older than this is rotated. Default 90 days.</summary>
    public TimeSpan MaxSecretAge { get; set; } = TimeSpan.FromDays(90);

    /// <summary>A <c>SecretRotationDue</c> warning is published for secrets this close to <see cref="MaxSecretAge"/> (at most once per client per day). Zero turns warnings off. Default 14 days.</summary>
    public TimeSpan WarningWindow { get; set; } = TimeSpan.FromDays(14);

    /// <summary>At most this many RotateSecret commands per sweep (blast-radius limit); the rest waits for the next sweep, oldest secrets first. 0 sends nothing and reports every due client as deferred (warnings still go out). Default 100.</summary>
    public int MaxRotationsPerSweep { get; set; } = 100;

    /// <summary>
    /// The command id of a scheduled rotation is derived from the client and the window the sweep's fire time falls in,
    /// so a re-fired or overlapping sweep in the same window sends the same id and the ledger rotates once. Default 1 day.
    /// </summary>
    public TimeSpan CommandWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// An app whose active signing key is this old gets a RotateSigningKey (trigger <c>schedule</c>). Null (the default)
    /// turns signing-key rotation off: a new key changes what every relying party must fetch (JWKS), so it is a
    /// deliberate choice. The key's age: docs/jobs.md, "Signing keys".
    /// </summary>
    public TimeSpan? MaxSigningKeyAge { get; set; }

    /// <summary>A <c>SigningKeyRotationDue</c> warning is published for keys this close to <see cref="MaxSigningKeyAge"/> (at most once per app per day). Zero turns them off. Default 14 days.</summary>
    public TimeSpan SigningKeyWarningWindow { get; set; } = TimeSpan.FromDays(14);

    /// <summary>At most this many RotateSigningKey commands per sweep; the rest waits for the next sweep, oldest keys first. 0 sends none and reports every due app as deferred. Default 10.</summary>
    public int MaxSigningKeyRotationsPerSweep { get; set; } = 10;

    /// <summary>Report what would be rotated and send nothing.</summary>
    public bool DryRun { get; set; }

    /// <summary>
    /// Clients evaluated at once per deployment, at most the deployment's <c>MaxConcurrentRequests</c>, which is the real
    /// bound (size it against Wacht's rate limits). Default 64: the walk uses all the concurrency the deployment allows,
    /// since a client's visit waits on its calls almost all the time.
    /// </summary>
    public int MaxParallelism { get; set; } = 64;

    /// <summary>
    /// Only clients matching one of these patterns (empty: all). A pattern is <c>deployment/app-slug/client</c> with
    /// <c>*</c> and <c>?</c> wildcards; missing trailing segments mean <c>*</c>; the client segment matches the record
    /// id or the public <c>client_id</c>. Example: <c>*/billing-*</c>. An app's signing key is in scope when a pattern
    /// whose client segment is <c>*</c> matches the app (<see cref="Jobs.TargetFilter.IncludesApp"/>).
    /// </summary>
    public List<string> Include { get; set; } = [];

    /// <summary>Clients matching any of these patterns (same syntax as <see cref="Include"/>) are never rotated by the sweep.</summary>
    public List<string> Exclude { get; set; } = [];
}
