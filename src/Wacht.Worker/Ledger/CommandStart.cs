namespace Wacht.Worker.Ledger;

/// <summary>What the ledger records when it first sees a command.</summary>
/// <param name="Kind">The command's kind: <c>rotate-secret</c>, <c>revoke-grant</c> or <c>sync-scopes</c>.</param>
/// <param name="TargetId">The OAuth client id (rotate, revoke) or null (sync).</param>
/// <param name="Fingerprint">A fingerprint of the command's payload, kept so that a re-use of the same command id with
/// another payload can be told apart; null when the caller has none.</param>
/// <param name="ValidatedUser">The user the command was validated for (who asked for it, as checked), or null.</param>
public sealed record CommandStart(
    Guid CommandId,
    string Kind,
    string DeploymentId,
    string AppSlug,
    string? TargetId,
    string Trigger,
    string? RequestedBy,
    string? Reason,
    string? Fingerprint = null,
    string? ValidatedUser = null);
