using System.Text.Json.Serialization;
using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// Event: a client's secret was rotated and the new secret was delivered. It says where the secret went,
/// never what it is.
/// </summary>
[MessageUrn("wacht-worker:secret-rotated:v1")]
[EntityName("wacht-worker.secret-rotated")]
public sealed record SecretRotated : ICommandEvent
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

    /// <summary>When Wacht issued the new secret (the old one stopped working then).</summary>
    public DateTimeOffset RotatedAt { get; init; }

    /// <summary>The configured name of the secret destination, e.g. <c>file</c>.</summary>
    public string Destination { get; init; } = "";

    /// <summary>Where in the destination the secret is, e.g. a relative file path.</summary>
    public string DestinationKey { get; init; } = "";

    /// <summary>First 12 hex digits of the SHA-256 of the new secret: lets a reader check which secret it holds without revealing it.</summary>
    public string SecretFingerprint { get; init; } = "";

    /// <summary>How many times rotate was called for this command (more than 1 after an unknown outcome or a crash).</summary>
    public int RotateCalls { get; init; }

    public string Trigger { get; init; } = CommandTriggers.Command;

    public string? RequestedBy { get; init; }

    public string? Reason { get; init; }

    /// <inheritdoc/>
    public string? SentBy { get; init; }
}
