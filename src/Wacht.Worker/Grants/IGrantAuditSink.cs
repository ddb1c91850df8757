using Wacht.Worker.Contracts;

namespace Wacht.Worker.Grants;

/// <summary>
/// Receives a grant audit's findings while the audit runs (the <c>audit</c> command prints them as they come): one call
/// per client that has findings, with that client's findings ordered by grant and kind, as soon as its visit is done.
/// Calls never overlap (the audit makes them one at a time), and arrive in the order the visits finish, which is not
/// the inventory's order: the audit walks clients in parallel. What a sink keeps is its own affair; the audit keeps nothing.
/// </summary>
public interface IGrantAuditSink
{
    ValueTask WriteAsync(IReadOnlyList<GrantAuditFinding> findings, CancellationToken cancellationToken);

    /// <summary>
    /// Receives credential findings (issue 14) the same way: one call per client whose secret has a finding, after its
    /// grants' call, and one per app whose signing keys have findings (the apps are walked after the clients).
    /// </summary>
    ValueTask WriteCredentialsAsync(IReadOnlyList<CredentialAuditFinding> findings, CancellationToken cancellationToken);
}
