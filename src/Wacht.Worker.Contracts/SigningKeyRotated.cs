using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>Event: an app's signing key was rotated; <see cref="Kid"/> is the active key now.</summary>
[MessageUrn("wacht-worker:signing-key-rotated:v1")]
[EntityName("wacht-worker.signing-key-rotated")]
public sealed record SigningKeyRotated : ICommandEvent
{
    /// <summary>The command's id; also the message's correlation id.</summary>
    public Guid CommandId { get; init; }

    public string DeploymentId { get; init; } = "";

    public string AppSlug { get; init; } = "";

    /// <summary>The new active key's <c>kid</c>.</summary>
    public string Kid { get; init; } = "";

    /// <summary>The new key's algorithm (e.g. <c>RS256</c>, <c>ES256</c>).</summary>
    public string Algorithm { get; init; } = "";

    /// <summary>The key that was active before the rotation (now retired, still published); null when the app had no active key.</summary>
    public string? PreviousKid { get; init; }

    /// <summary>When the worker saw the rotation done (the rotate call's answer, or the keys read back after an unknown outcome).</summary>
    public DateTimeOffset RotatedAt { get; init; }

    /// <summary>
    /// How many times rotate was called for this command: 1, or more when an earlier call provably did not take effect
    /// (the previous key was still active when the keys were read back). A call whose answer was lost but which took
    /// effect is not repeated.
    /// </summary>
    public int RotateCalls { get; init; }

    public string Trigger { get; init; } = CommandTriggers.Command;

    public string? RequestedBy { get; init; }

    public string? Reason { get; init; }

    /// <inheritdoc/>
    public string? SentBy { get; init; }
}
