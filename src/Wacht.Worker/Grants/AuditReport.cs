using Wacht.Worker.Contracts;

namespace Wacht.Worker.Grants;

/// <summary>The outcome of one audit: the published summary, and (when collected) every finding of the run, published or not.</summary>
public sealed record AuditReport(GrantAuditCompleted Summary, IReadOnlyList<GrantAuditFinding> Findings);
