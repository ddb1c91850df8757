namespace Wacht.Worker.Ledger;

/// <summary>What the ledger records when it first sees a command.</summary>
/// <param name="Kind">The command's kind: <c>rotate-secret</c>, <c>revoke-grant</c> or <c>sync-scopes</c>.</param>
/// <param name="TargetId">The OAuth client id (rotate, revoke) or null (sync).</param>
public sealed record CommandStart(
    Guid CommandId,
    string Kind,
    string DeploymentId,
    string AppSlug,
    string? TargetId,
    string Trigger,
    string? RequestedBy,
    string? Reason);
