using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// Command: mark one of an app's signing keys compromised. The platform stops publishing it (tokens it signed no longer
/// verify) and, when it was the active key, issues a new active key. Answered/published as
/// <see cref="SigningKeyCompromised"/> or <see cref="SigningKeyCompromiseFailed"/>.
/// </summary>
/// <remarks>
/// Idempotent by <see cref="CommandId"/>. A compromised key is no longer listed and a second compromise of it answers
/// 404 at Wacht, which cannot tell it from a kid that never existed: the command succeeds with
/// <see cref="SigningKeyCompromised.AlreadyCompromised"/> only when the worker's own history shows the key was
/// compromised (by this command's earlier attempt, or by an earlier command); otherwise an unlisted kid is
/// <c>not_found</c> (docs/signing-keys.md).
/// </remarks>
[MessageUrn("wacht-worker:compromise-signing-key:v1")]
[EntityName("wacht-worker.compromise-signing-key")]
public sealed record CompromiseSigningKey : IWachtCommand
{
    /// <summary>The idempotency key: a command id seen before is answered from the ledger, never executed twice.</summary>
    public Guid CommandId { get; init; }

    /// <summary>The Wacht deployment id (decimal 64-bit integer as text).</summary>
    public string DeploymentId { get; init; } = "";

    /// <summary>The OAuth app's slug.</summary>
    public string AppSlug { get; init; } = "";

    /// <summary>The key's <c>kid</c>, as listed (e.g. <c>oas-7283910238471500001-42</c>).</summary>
    public string Kid { get; init; } = "";

    /// <summary>Who asked, for the audit trail.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>Why, for the audit trail.</summary>
    public string? Reason { get; init; }

    /// <summary>What caused the command: one of <see cref="CommandTriggers"/>; defaults to <see cref="CommandTriggers.Command"/>.</summary>
    public string Trigger { get; init; } = CommandTriggers.Command;
}
