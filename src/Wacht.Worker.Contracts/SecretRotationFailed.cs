using System.Text.Json.Serialization;
using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>Event: a <see cref="RotateSecret"/> command ended without a delivered new secret.</summary>
[MessageUrn("wacht-worker:secret-rotation-failed:v1")]
[EntityName("wacht-worker.secret-rotation-failed")]
public sealed record SecretRotationFailed : ICommandFailedEvent
{
    /// <summary>The command's id; also the message's correlation id (<see cref="Guid.Empty"/> when the command had none).</summary>
    public Guid CommandId { get; init; }

    public string DeploymentId { get; init; } = "";

    public string AppSlug { get; init; } = "";

    [JsonPropertyName("oauthClientId")]
    public string OAuthClientId { get; init; } = "";

    /// <summary>When the worker gave up.</summary>
    public DateTimeOffset FailedAt { get; init; }

    /// <summary>One of <see cref="ErrorCodes"/>.</summary>
    public string ErrorCode { get; init; } = "";

    /// <summary>What went wrong, for people.</summary>
    public string Message { get; init; } = "";

    /// <summary>Whether sending the same command again later could succeed.</summary>
    public bool Retryable { get; init; }

    /// <summary>Whether Wacht may hold a new secret that was not delivered: the old secret may no longer work. Re-drive the command.</summary>
    public bool OldSecretMayBeInvalid { get; init; }

    /// <summary>With <see cref="ErrorCodes.InvalidCommand"/>: every offending field.</summary>
    public IReadOnlyList<FieldError> FieldErrors { get; init; } = [];

    public string Trigger { get; init; } = CommandTriggers.Command;

    public string? RequestedBy { get; init; }

    public string? Reason { get; init; }

    /// <inheritdoc/>
    public string? SentBy { get; init; }
}
