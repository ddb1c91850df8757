using System.Text.Json.Serialization;
using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// Command: rotate an OAuth client's secret, deliver the new secret to the configured secret destination, then
/// answer/publish <see cref="SecretRotated"/> or <see cref="SecretRotationFailed"/>.
/// </summary>
/// <remarks>
/// Properties are optional on the wire on purpose: a command with a missing field is answered with a
/// <see cref="SecretRotationFailed"/> carrying <see cref="ErrorCodes.InvalidCommand"/> and the field, instead of
/// failing to deserialise.
/// </remarks>
[MessageUrn("wacht-worker:rotate-secret:v1")]
[EntityName("wacht-worker.rotate-secret")]
public sealed record RotateSecret : IWachtCommand
{
    /// <summary>The idempotency key: a command id seen before is answered from the ledger, never executed twice.</summary>
    public Guid CommandId { get; init; }

    /// <summary>The Wacht deployment id (decimal 64-bit integer as text).</summary>
    public string DeploymentId { get; init; } = "";

    /// <summary>The OAuth app's slug.</summary>
    public string AppSlug { get; init; } = "";

    /// <summary>The OAuth client's record id (decimal), not its public <c>client_id</c>.</summary>
    [JsonPropertyName("oauthClientId")]
    public string OAuthClientId { get; init; } = "";

    /// <summary>Who asked, for the audit trail (a person, a pipeline, a job).</summary>
    public string? RequestedBy { get; init; }

    /// <summary>Why, for the audit trail.</summary>
    public string? Reason { get; init; }

    /// <summary>What caused the command: one of <see cref="CommandTriggers"/>; defaults to <see cref="CommandTriggers.Command"/>.</summary>
    public string Trigger { get; init; } = CommandTriggers.Command;
}
