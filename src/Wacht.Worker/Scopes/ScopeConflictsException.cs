using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Scopes;

/// <summary>The plan has changes the platform would refuse; nothing was changed.</summary>
internal sealed class ScopeConflictsException(IReadOnlyList<ScopeConflict> conflicts)
    : CommandFailureException(new CommandFailure(
        ErrorCodes.ScopeConflict,
        $"{conflicts.Count} desired scope setting(s) conflict with what the platform allows; nothing was changed: "
            + string.Join("; ", conflicts.Select(c => $"{c.Scope} {c.Field}: {c.Reason}")) + ".",
        Retryable: false,
        Transient: false))
{
    public IReadOnlyList<ScopeConflict> Conflicts { get; } = conflicts;
}
