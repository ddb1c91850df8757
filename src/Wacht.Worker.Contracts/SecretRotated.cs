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

    /// <summary>The routing rule that chose the destination (<c>Worker:Secrets:Routes:{i}:Name</c>, default <c>Routes:{i}</c>; <c>default</c> without routes).</summary>
    public string Route { get; init; } = "";

    /// <summary>The configured name of the secret destination, e.g. <c>file</c>.</summary>
    public string Destination { get; init; } = "";

    /// <summary>Where in the destination the secret is, e.g. a relative file path or a Secret's name.</summary>
    public string DestinationKey { get; init; } = "";

    /// <summary>
    /// The route's reload actions after the delivery, in order, each with its outcome. A failed reload does not undo the
    /// rotation: the secret is delivered; the application may still hold the old one until it reloads.
    /// </summary>
    public IReadOnlyList<ReloadActionResult> ReloadActions { get; init; } = [];

    /// <summary>
    /// True when at least one of <see cref="ReloadActions"/> failed: the secret is delivered and works, but an
    /// application may still run with the old one until it reloads. An outcome to alert on, distinct from a failure.
    /// </summary>
    public bool ReloadFailed { get; init; }

    /// <summary>
    /// When Wacht was seen to accept the delivered secret (the app's runtime endpoint authenticated the client with it),
    /// after the delivery and before this event. Null only when verification is turned off (<c>Worker:Rotation:Verify</c>).
    /// </summary>
    public DateTimeOffset? VerifiedAt { get; init; }

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
