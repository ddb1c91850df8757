using System.Text.Json.Serialization;
using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>Event: a <see cref="RevokeGrant"/> command failed; the grant's state is unchanged by this command.</summary>
[MessageUrn("wacht-worker:grant-revocation-failed:v1")]
[EntityName("wacht-worker.grant-revocation-failed")]
public sealed record GrantRevocationFailed : ICommandFailedEvent
{
    /// <summary>The command's id; also the message's correlation id (<see cref="Guid.Empty"/> when the command had none).</summary>
    public Guid CommandId { get; init; }

    public string DeploymentId { get; init; } = "";

    public string AppSlug { get; init; } = "";

    [JsonPropertyName("oauthClientId")]
    public string OAuthClientId { get; init; } = "";

    public string GrantId { get; init; } = "";

    public DateTimeOffset FailedAt { get; init; }

    /// <summary>One of <see cref="ErrorCodes"/>.</summary>
    public string ErrorCode { get; init; } = "";

    public string Message { get; init; } = "";

    /// <summary>Whether sending the same command again later could succeed.</summary>
    public bool Retryable { get; init; }

    /// <summary>With <see cref="ErrorCodes.InvalidCommand"/>: every offending field.</summary>
    public IReadOnlyList<FieldError> FieldErrors { get; init; } = [];

    public string Trigger { get; init; } = CommandTriggers.Command;

    public string? RequestedBy { get; init; }

    public string? Reason { get; init; }

    /// <inheritdoc/>
    public string? SentBy { get; init; }
}
