using Wacht.Worker.Jobs;

namespace Wacht.Worker.Grants;

/// <summary>
/// One run of the grant audit: walks every configured deployment's apps, clients and grants, publishes
/// GrantAuditFinding events (de-duplicated through the ledger), sends RevokeGrant commands (trigger <c>audit</c>) where
/// configured, publishes GrantAuditCompleted and records the run in the ledger.
/// </summary>
public sealed class GrantAudit
{
    /// <summary>Runs one audit. Throws only when the run could not run at all; per-deployment errors are in the summary.</summary>
    public Task<AuditReport> RunAsync(JobRunRequest request, CancellationToken cancellationToken) =>
        throw new NotImplementedException("issue 4: grant audit");
}
