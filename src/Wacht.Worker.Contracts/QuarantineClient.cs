using System.Text.Json.Serialization;
using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// Command: quarantine an OAuth client believed compromised, in this order: rotate its secret (delivered through its
/// route like any rotation, or thrown away with <see cref="Discard"/>), revoke every active grant of the client, and,
/// with <see cref="Deactivate"/>, deactivate the client. Answered/published as <see cref="ClientQuarantined"/> or
/// <see cref="ClientQuarantineFailed"/>, which lists what was done and what remains.
/// </summary>
/// <remarks>
/// Each step is recorded in the ledger as it finishes: a redelivery after a crash, or the same command sent again after
/// a failure, resumes at the first unfinished step and never repeats a finished one (docs/messages.md).
/// </remarks>
[MessageUrn("wacht-worker:quarantine-client:v1")]
[EntityName("wacht-worker.quarantine-client")]
public sealed record QuarantineClient : IWachtCommand
{
    /// <summary>The idempotency key: a command id seen before is answered from the ledger, or its remaining steps finished.</summary>
    public Guid CommandId { get; init; }

    /// <summary>The Wacht deployment id (decimal 64-bit integer as text).</summary>
    public string DeploymentId { get; init; } = "";

    /// <summary>The OAuth app's slug.</summary>
    public string AppSlug { get; init; } = "";

    /// <summary>The OAuth client's record id (decimal), not its public <c>client_id</c>.</summary>
    [JsonPropertyName("oauthClientId")]
    public string OAuthClientId { get; init; } = "";

    /// <summary>
    /// True: the new secret reaches nobody (not the route's destination, not the ledger, not the event); the client
    /// stays locked out until a later <see cref="RotateSecret"/> delivers a fresh one. False (default): the new secret is
    /// delivered and verified exactly like a <see cref="RotateSecret"/>.
    /// </summary>
    public bool Discard { get; init; }

    /// <summary>True: deactivate the client after its grants are revoked (Wacht then refuses it everywhere).</summary>
    public bool Deactivate { get; init; }

    /// <summary>Who asked, for the audit trail (a person, a pipeline, a job).</summary>
    public string? RequestedBy { get; init; }

    /// <summary>Why, for the audit trail.</summary>
    public string? Reason { get; init; }

    /// <summary>What caused the command: one of <see cref="CommandTriggers"/>; defaults to <see cref="CommandTriggers.Command"/>.</summary>
    public string Trigger { get; init; } = CommandTriggers.Command;
}
