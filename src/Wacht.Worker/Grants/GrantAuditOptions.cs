namespace Wacht.Worker.Grants;

/// <summary>The scheduled grant audit, section <c>Worker:GrantAudit</c>.</summary>
public sealed class GrantAuditOptions
{
    public const string SectionPath = "Worker:GrantAudit";

    /// <summary>Whether the audit is scheduled. The on-demand <c>audit</c> command works either way.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Quartz cron expression (seconds first), evaluated in UTC. Default: hourly, on the hour.</summary>
    public string Cron { get; set; } = "0 0 * * * ?";

    /// <summary>
    /// <c>OlderThanMaxAge</c> findings for active grants granted longer ago than this. Null (the default) turns the check off.
    /// </summary>
    public TimeSpan? MaxGrantAge { get; set; }

    /// <summary>
    /// What to do per finding kind (<c>FindingKinds</c> names as keys): <see cref="FindingRemediation.Report"/> (the default
    /// for every kind) or <see cref="FindingRemediation.Revoke"/> (send a RevokeGrant command, trigger <c>audit</c>).
    /// </summary>
    public Dictionary<string, FindingRemediation> Remediation { get; set; } = new(StringComparer.Ordinal);

    /// <summary>At most this many RevokeGrant commands per run; the rest waits for the next run. Default 100.</summary>
    public int MaxRevocationsPerRun { get; set; } = 100;

    /// <summary>An unchanged finding already published is published again only after this long. Default 1 day.</summary>
    public TimeSpan RepublishAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Report findings but send no RevokeGrant command.</summary>
    public bool DryRun { get; set; }

    /// <summary>
    /// Clients audited at once per deployment, at most the deployment's <c>MaxConcurrentRequests</c>, which is the real
    /// bound (size it against Wacht's rate limits). Default 64: the walk uses all the concurrency the deployment allows,
    /// since a client's visit waits on its calls almost all the time.
    /// </summary>
    public int MaxParallelism { get; set; } = 64;

    /// <summary>
    /// Also audit credentials (default true): apps' signing keys (SigningKeyMissing, CompromisedSigningKeyListed) and
    /// secrets the ledger has never rotated (SecretNeverRotated). Off, the audit reads grants only.
    /// </summary>
    public bool Credentials { get; set; } = true;

    /// <summary>Only grants of clients matching one of these patterns (same syntax as <c>Worker:RotationSweep:Include</c>; empty: all).</summary>
    public List<string> Include { get; set; } = [];

    /// <summary>Grants of clients matching any of these patterns are not audited.</summary>
    public List<string> Exclude { get; set; } = [];
}
