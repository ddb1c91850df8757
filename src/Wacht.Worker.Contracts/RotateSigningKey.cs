using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// Command: rotate an OAuth app's signing key. The platform retires the active key (it stays published, so tokens it
/// signed keep verifying) and makes a new one active. Answered/published as <see cref="SigningKeyRotated"/> (the new
/// and the previous <c>kid</c>) or <see cref="SigningKeyRotationFailed"/>.
/// </summary>
/// <remarks>
/// Rotation is not idempotent at Wacht; the command is, by <see cref="CommandId"/>: the worker records which key was
/// active before it calls rotate, and a redelivered command whose call may have taken effect reads the keys back and
/// calls rotate again only when that key is still the active one (docs/signing-keys.md).
/// </remarks>
[MessageUrn("wacht-worker:rotate-signing-key:v1")]
[EntityName("wacht-worker.rotate-signing-key")]
public sealed record RotateSigningKey : IWachtCommand
{
    /// <summary>The idempotency key: a command id seen before is answered from the ledger, never executed twice.</summary>
    public Guid CommandId { get; init; }

    /// <summary>The Wacht deployment id (decimal 64-bit integer as text).</summary>
    public string DeploymentId { get; init; } = "";

    /// <summary>The OAuth app's slug.</summary>
    public string AppSlug { get; init; } = "";

    /// <summary>Who asked, for the audit trail (a person, a pipeline, a job).</summary>
    public string? RequestedBy { get; init; }

    /// <summary>Why, for the audit trail.</summary>
    public string? Reason { get; init; }

    /// <summary>What caused the command: one of <see cref="CommandTriggers"/>; defaults to <see cref="CommandTriggers.Command"/>.</summary>
    public string Trigger { get; init; } = CommandTriggers.Command;
}
