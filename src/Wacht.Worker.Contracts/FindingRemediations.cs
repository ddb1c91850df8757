namespace Wacht.Worker.Contracts;

/// <summary>What the audit did about a finding: the values of <see cref="GrantAuditFinding.Remediation"/>.</summary>
public static class FindingRemediations
{
    /// <summary>Reported only (the kind's remediation is <c>Report</c>, the default).</summary>
    public const string Reported = "reported";

    /// <summary>A <see cref="RevokeGrant"/> command (trigger <c>audit</c>) was sent; its id is <see cref="GrantAuditFinding.RevokeCommandId"/>.</summary>
    public const string RevokeRequested = "revoke_requested";

    /// <summary>Dry run: a revocation would have been sent.</summary>
    public const string WouldRevoke = "would_revoke";

    /// <summary>The run's revocation cap was reached: the next run takes it.</summary>
    public const string RevokeDeferred = "revoke_deferred";

    /// <summary>
    /// The RevokeGrant the audit sent earlier today (<see cref="GrantAuditFinding.RevokeCommandId"/>) failed for good
    /// (see its <see cref="GrantRevocationFailed"/>); the audit sends a new one the next day.
    /// </summary>
    public const string RevokeFailed = "revoke_failed";
}
