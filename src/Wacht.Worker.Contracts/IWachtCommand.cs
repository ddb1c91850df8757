using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// The fields every command carries. Kept out of the broker topology: no exchange, binding or message type is made
/// for it, so nothing can subscribe to "every command" by accident and the wire identity of each command stays its own
/// <c>[MessageUrn]</c>.
/// </summary>
[ExcludeFromImplementedTypes]
public interface IWachtCommand
{
    /// <summary>The idempotency key: a command id seen before is answered from the ledger, never executed twice.</summary>
    Guid CommandId { get; }

    /// <summary>The Wacht deployment id (decimal 64-bit integer as text).</summary>
    string DeploymentId { get; }

    /// <summary>The OAuth app's slug.</summary>
    string AppSlug { get; }

    /// <summary>Who asked, for the audit trail (a person, a pipeline, a job). Free text, not authenticated.</summary>
    string? RequestedBy { get; }

    /// <summary>Why, for the audit trail.</summary>
    string? Reason { get; }

    /// <summary>What caused the command: one of <see cref="CommandTriggers"/>.</summary>
    string Trigger { get; }
}
