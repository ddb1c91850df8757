using Wacht.Worker.Contracts;

namespace Wacht.Worker.Rotation;

/// <summary>The outcome of one sweep: the published summary, and (when collected) one decision per due or nearly due client.</summary>
public sealed record SweepReport(RotationSweepCompleted Summary, IReadOnlyList<SweepDecision> Decisions)
{
    /// <summary>When collected: one decision per app whose signing key is due or nearly due (empty when signing-key rotation is off).</summary>
    public IReadOnlyList<SigningKeyDecision> SigningKeyDecisions { get; init; } = [];

    /// <summary>When collected: what the validity check found for each client of the run's share.</summary>
    public IReadOnlyList<Validity.SecretCheckItem> SecretChecks { get; init; } = [];
}
