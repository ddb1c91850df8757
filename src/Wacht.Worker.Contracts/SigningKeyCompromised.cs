using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>Event: a signing key is marked compromised (now, or it already was) and no longer published.</summary>
[MessageUrn("wacht-worker:signing-key-compromised:v1")]
[EntityName("wacht-worker.signing-key-compromised")]
public sealed record SigningKeyCompromised : ICommandEvent
{
    /// <summary>The command's id; also the message's correlation id.</summary>
    public Guid CommandId { get; init; }

    public string DeploymentId { get; init; } = "";

    public string AppSlug { get; init; } = "";

    /// <summary>The compromised key's <c>kid</c>.</summary>
    public string Kid { get; init; } = "";

    /// <summary>
    /// The key's status before this command marked it (<c>active</c> or <c>retired</c>); null when
    /// <see cref="AlreadyCompromised"/> or when an earlier attempt's call took effect before the status was seen again.
    /// </summary>
    public string? PreviousStatus { get; init; }

    /// <summary>
    /// True when the key was compromised before this command (the worker's history shows an earlier compromise of it):
    /// nothing was called.
    /// </summary>
    public bool AlreadyCompromised { get; init; }

    /// <summary>The app's active key after the compromise (a new one when the compromised key was active); null when the listing shows none.</summary>
    public string? ActiveKid { get; init; }

    /// <summary>When the worker saw the key compromised.</summary>
    public DateTimeOffset CompromisedAt { get; init; }

    /// <summary>How many times compromise was called for this command (0 when <see cref="AlreadyCompromised"/>).</summary>
    public int CompromiseCalls { get; init; }

    public string Trigger { get; init; } = CommandTriggers.Command;

    public string? RequestedBy { get; init; }

    public string? Reason { get; init; }

    /// <inheritdoc/>
    public string? SentBy { get; init; }
}
