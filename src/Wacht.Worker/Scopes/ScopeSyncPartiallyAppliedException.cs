using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Scopes;

/// <summary>A call failed part-way through applying a plan; <see cref="Applied"/> lists what was done before it.</summary>
internal sealed class ScopeSyncPartiallyAppliedException(CommandFailure failure, IReadOnlyList<ScopeChange> applied, Exception innerException)
    : CommandFailureException(
        failure with { Message = $"{failure.Message} ({applied.Count} change(s) were applied before the failure; sending the command again finishes the rest.)" },
        innerException)
{
    public IReadOnlyList<ScopeChange> Applied { get; } = applied;
}
