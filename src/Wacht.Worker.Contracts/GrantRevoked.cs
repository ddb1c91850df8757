using System.Text.Json.Serialization;
using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>Event: a grant is revoked (now, or it already was).</summary>
[MessageUrn("wacht-worker:grant-revoked:v1")]
[EntityName("wacht-worker.grant-revoked")]
public sealed record GrantRevoked : ICommandEvent
{
    /// <summary>The command's id; also the message's correlation id.</summary>
    public Guid CommandId { get; init; }

    public string DeploymentId { get; init; } = "";

    public string AppSlug { get; init; } = "";

    [JsonPropertyName("oauthClientId")]
    public string OAuthClientId { get; init; } = "";

    public string GrantId { get; init; } = "";

    /// <summary>True when the grant was already revoked before this command: nothing was changed.</summary>
    public bool AlreadyRevoked { get; init; }

    /// <summary>When the grant was revoked (by this command or earlier, when known).</summary>
    public DateTimeOffset RevokedAt { get; init; }

    /// <summary>The grant's resource.</summary>
    public string Resource { get; init; } = "";

    /// <summary>The grant's scopes.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    public string Trigger { get; init; } = CommandTriggers.Command;

    public string? RequestedBy { get; init; }

    public string? Reason { get; init; }

    /// <inheritdoc/>
    public string? SentBy { get; init; }
}
