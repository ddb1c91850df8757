using System.Text.Json.Serialization;
using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// Event: every step of a <see cref="QuarantineClient"/> is done: the secret rotated (and where it went), the grants
/// revoked (by id), the client deactivated or not. It says where the secret went, never what it is.
/// </summary>
[MessageUrn("wacht-worker:client-quarantined:v1")]
[EntityName("wacht-worker.client-quarantined")]
public sealed record ClientQuarantined : ICommandEvent
{
    /// <summary>The command's id; also the message's correlation id.</summary>
    public Guid CommandId { get; init; }

    public string DeploymentId { get; init; } = "";

    public string AppSlug { get; init; } = "";

    /// <summary>The OAuth client's record id.</summary>
    [JsonPropertyName("oauthClientId")]
    public string OAuthClientId { get; init; } = "";

    /// <summary>The client's public <c>client_id</c>.</summary>
    public string ClientId { get; init; } = "";

    /// <summary>The secret step: when, how, and where the new secret went.</summary>
    public QuarantineSecretStep Secret { get; init; } = new();

    /// <summary>The ids of the grants this command revoked, in the order it revoked them.</summary>
    public IReadOnlyList<string> RevokedGrantIds { get; init; } = [];

    /// <summary>Whether this command deactivated the client (false when <see cref="QuarantineClient.Deactivate"/> was not asked).</summary>
    public bool Deactivated { get; init; }

    /// <summary>When the last step finished.</summary>
    public DateTimeOffset QuarantinedAt { get; init; }

    public string Trigger { get; init; } = CommandTriggers.Command;

    public string? RequestedBy { get; init; }

    public string? Reason { get; init; }

    /// <inheritdoc/>
    public string? SentBy { get; init; }
}
