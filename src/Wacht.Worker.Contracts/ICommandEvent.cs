using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// The fields every terminal event of a command carries (success or failure). Kept out of the broker topology, like
/// <see cref="IWachtCommand"/>: subscribe to the concrete events.
/// </summary>
[ExcludeFromImplementedTypes]
public interface ICommandEvent
{
    /// <summary>The command's id; also the message's correlation id.</summary>
    Guid CommandId { get; }

    string DeploymentId { get; }

    string AppSlug { get; }

    /// <summary>The command's trigger (<see cref="CommandTriggers"/>).</summary>
    string Trigger { get; }

    /// <summary>The command's free-text requester, as sent (not authenticated).</summary>
    string? RequestedBy { get; }

    /// <summary>The command's free-text reason, as sent.</summary>
    string? Reason { get; }

    /// <summary>
    /// The broker user that sent the command, as validated by RabbitMQ (the message's <c>user_id</c> property, which
    /// the broker checks against the connection's user). Null when the transport validates no user (in-memory) or the
    /// sender did not set it.
    /// </summary>
    string? SentBy { get; }
}
