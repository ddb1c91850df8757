using System.Text.Json.Serialization;
using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// Command: revoke one grant of an OAuth client. Idempotent: revoking an already revoked grant succeeds with
/// <see cref="GrantRevoked.AlreadyRevoked"/> set. Answered/published as <see cref="GrantRevoked"/> or
/// <see cref="GrantRevocationFailed"/>.
/// </summary>
[MessageUrn("wacht-worker:revoke-grant:v1")]
[EntityName("wacht-worker.revoke-grant")]
public sealed record RevokeGrant : IWachtCommand
{
    /// <summary>The idempotency key.</summary>
    public Guid CommandId { get; init; }

    /// <summary>The Wacht deployment id (decimal 64-bit integer as text).</summary>
    public string DeploymentId { get; init; } = "";

    /// <summary>The OAuth app's slug.</summary>
    public string AppSlug { get; init; } = "";

    /// <summary>The OAuth client's record id (decimal) the grant belongs to.</summary>
    [JsonPropertyName("oauthClientId")]
    public string OAuthClientId { get; init; } = "";

    /// <summary>The grant's id (decimal).</summary>
    public string GrantId { get; init; } = "";

    /// <summary>Who asked, for the audit trail.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>Why, for the audit trail.</summary>
    public string? Reason { get; init; }

    /// <summary>What caused the command: one of <see cref="CommandTriggers"/>.</summary>
    public string Trigger { get; init; } = CommandTriggers.Command;
}
