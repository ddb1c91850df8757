using System.Text;
using Wacht.Worker.Contracts;
using Wacht.Worker.Grants;

namespace Wacht.Worker.Jobs;

/// <summary>
/// Prints an audit's findings as rows while the audit runs (the <c>audit</c> command): the header before the first row,
/// then each client's rows as soon as its visit is done, in the order the visits finish. Nothing is kept but the count and
/// the ids of the RevokeGrant commands the run sent (to wait for their results; at most
/// <see cref="GrantAuditOptions.MaxRevocationsPerRun"/>). The columns have fixed widths, since the rows to come are unknown
/// (KIND fits the longest kind, <see cref="FindingKinds.CompromisedSigningKeyListed"/>). Credential findings share the
/// table: no grant and no remediation of the audit's own (their detail names the key or the sweep's command).
/// </summary>
/// <remarks>
/// Printing in inventory order would mean holding every finding until the walk ends (the walk visits clients in
/// parallel, deployments side by side), which is what grew with the world; sort the output if an order is wanted.
/// </remarks>
internal sealed class AuditFindingPrinter(TextWriter output) : IGrantAuditSink
{
    private static readonly (string Header, int Width)[] Columns =
    [
        ("DEPLOYMENT", 19), ("APP", 30), ("CLIENT", 40), ("GRANT", 19), ("KIND", 27), ("REMEDIATION", 27), ("DETAIL", 60),
    ];

    private readonly List<Guid> _revocations = [];

    /// <summary>Rows printed so far.</summary>
    public long Count { get; private set; }

    /// <summary>The RevokeGrant commands the run sent (findings whose remediation is <c>revoke_requested</c>), once each.</summary>
    public IReadOnlyList<Guid> RevocationsRequested => _revocations;

    public ValueTask WriteAsync(IReadOnlyList<GrantAuditFinding> findings, CancellationToken cancellationToken)
    {
        Write(findings);
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteCredentialsAsync(IReadOnlyList<CredentialAuditFinding> findings, CancellationToken cancellationToken)
    {
        Write(findings);
        return ValueTask.CompletedTask;
    }

    public void Write(IEnumerable<GrantAuditFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        foreach (var f in findings)
        {
            Row();
            if (f is { Remediation: FindingRemediations.RevokeRequested, RevokeCommandId: { } id } && !_revocations.Contains(id))
            {
                _revocations.Add(id);
            }

            var remediation = f.RevokeCommandId is { } command ? $"{f.Remediation} ({JobReportPrinter.ShortId(command)})" : f.Remediation;
            output.WriteLine(Line([f.DeploymentId, f.AppSlug, f.ClientId, f.GrantId, f.Kind, remediation, f.Detail]));
        }
    }

    public void Write(IEnumerable<CredentialAuditFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        foreach (var f in findings)
        {
            Row();
            output.WriteLine(Line([f.DeploymentId, f.AppSlug, f.ClientId, null, f.Kind, null, f.Detail]));
        }
    }

    /// <summary>Counts a row, printing the header before the first.</summary>
    private void Row()
    {
        if (Count++ == 0)
        {
            output.WriteLine(Line(Columns.Select(static c => c.Header).ToArray()));
            output.WriteLine(Line(Columns.Select(static c => new string('-', c.Width)).ToArray()));
        }
    }

    private static string Line(string?[] cells)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = TextTable.Truncate(string.IsNullOrEmpty(cells[i]) ? "-" : cells[i]!, Columns[i].Width);
            if (i > 0)
            {
                line.Append("  ");
            }

            line.Append(i == cells.Length - 1 ? cell : cell.PadRight(Columns[i].Width));
        }

        return line.ToString().TrimEnd();
    }
}
