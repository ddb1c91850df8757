using System.Text.Json.Serialization;
using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// Event: a <see cref="QuarantineClient"/> stopped before its last step. It lists what was done (as
/// <see cref="ClientQuarantined"/> would) and what <see cref="Remaining"/>: sending the same command again (same id)
/// finishes the remaining steps and repeats none of the finished ones.
/// </summary>
[MessageUrn("wacht-worker:client-quarantine-failed:v1")]
[EntityName("wacht-worker.client-quarantine-failed")]
public sealed record ClientQuarantineFailed : ICommandFailedEvent
{
    /// <summary>The command's id; also the message's correlation id (<see cref="Guid.Empty"/> when the command had none).</summary>
    public Guid CommandId { get; init; }

    public string DeploymentId { get; init; } = "";

    public string AppSlug { get; init; } = "";

    /// <summary>The OAuth client's record id, as sent.</summary>
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

    /// <summary>The step that failed (one of <see cref="QuarantineSteps"/>); null when the command was refused before any step.</summary>
    public string? FailedStep { get; init; }

    /// <summary>The secret step as far as it got (<see cref="QuarantineSecretStep.Rotated"/> false when it did not finish).</summary>
    public QuarantineSecretStep Secret { get; init; } = new();

    /// <summary>
    /// Whether the client's old secret may already be dead although <see cref="QuarantineSecretStep.Rotated"/> is false:
    /// a rotate call was made whose new secret is not delivered yet (a re-send delivers or replaces it).
    /// </summary>
    public bool OldSecretMayBeInvalid { get; init; }

    /// <summary>The grants this command revoked before it stopped.</summary>
    public IReadOnlyList<string> RevokedGrantIds { get; init; } = [];

    /// <summary>Whether this command deactivated the client before it stopped.</summary>
    public bool Deactivated { get; init; }

    /// <summary>The steps not done, in order (<see cref="QuarantineSteps"/>); every step when the command was not executed (invalid, forbidden, conflicting id).</summary>
    public IReadOnlyList<string> Remaining { get; init; } = [];

    /// <summary>With <see cref="ErrorCodes.InvalidCommand"/>: every offending field.</summary>
    public IReadOnlyList<FieldError> FieldErrors { get; init; } = [];

    public string Trigger { get; init; } = CommandTriggers.Command;

    public string? RequestedBy { get; init; }

    public string? Reason { get; init; }

    /// <inheritdoc/>
    public string? SentBy { get; init; }
}
