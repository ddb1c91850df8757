using Wacht.Worker.Contracts;

namespace Wacht.Worker.Grants;

/// <summary>
/// The outcome of one audit: the published summary, and (only when <see cref="Jobs.JobRunRequest.CollectItems"/> asked for
/// it: small inventories and tests) every finding of the run. The <c>audit</c> command streams findings through an
/// <see cref="IGrantAuditSink"/> instead.
/// </summary>
public sealed record AuditReport(GrantAuditCompleted Summary, IReadOnlyList<GrantAuditFinding> Findings)
{
    /// <summary>When collected: every credential finding of the run (signing keys, secrets), published or not.</summary>
    public IReadOnlyList<CredentialAuditFinding> CredentialFindings { get; init; } = [];
}
