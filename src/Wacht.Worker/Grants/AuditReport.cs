using Wacht.Worker.Contracts;

namespace Wacht.Worker.Grants;

/// <summary>The outcome of one audit: the published summary, and (when collected) every finding of the run, published or not.</summary>
public sealed record AuditReport(GrantAuditCompleted Summary, IReadOnlyList<GrantAuditFinding> Findings)
{
    /// <summary>When collected: every credential finding of the run (signing keys, secrets), published or not.</summary>
    public IReadOnlyList<CredentialAuditFinding> CredentialFindings { get; init; } = [];
}
