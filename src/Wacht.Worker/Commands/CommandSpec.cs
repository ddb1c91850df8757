using Wacht.Worker.Contracts;

namespace Wacht.Worker.Commands;

/// <summary>What the <see cref="CommandRunner"/> needs to know of a command, whatever its kind.</summary>
/// <param name="Kind">The ledger's kind: <c>rotate-secret</c>, <c>revoke-grant</c>, <c>sync-scopes</c>.</param>
/// <param name="TargetId">The OAuth client id, when the command targets one.</param>
/// <param name="LockKey">Commands with the same key never run at the same time (per client, or per app for scopes).</param>
/// <param name="FieldErrors">Validation problems found by the consumer; non-empty means <see cref="ErrorCodes.InvalidCommand"/>.</param>
internal sealed record CommandSpec(
    Guid CommandId,
    string Kind,
    string DeploymentId,
    string AppSlug,
    string? TargetId,
    string LockKey,
    string Trigger,
    string? RequestedBy,
    string? Reason,
    IReadOnlyList<FieldError> FieldErrors);
