namespace Wacht.Worker.Contracts;

/// <summary>
/// The validity check of one sweep run (<see cref="RotationSweepCompleted.SecretChecks"/>): the delivered secrets of the
/// run's share of clients checked against Wacht. Every client the sweep saw is counted once: in
/// <see cref="Accepted"/>, <see cref="Rejected"/>, <see cref="Unknown"/> or a <see cref="Skipped"/> reason.
/// </summary>
public sealed record SecretCheckSummary
{
    /// <summary>The configured share of clients per run (each client is checked once every <see cref="Cycle"/> runs).</summary>
    public double Share { get; init; }

    /// <summary>Runs (command windows) in which every client is checked once.</summary>
    public int Cycle { get; init; }

    /// <summary>This run's place in the cycle (0 .. <see cref="Cycle"/> - 1).</summary>
    public int Slot { get; init; }

    /// <summary>Wacht accepted the secret at the destination.</summary>
    public int Accepted { get; init; }

    /// <summary>Wacht rejected the secret at the destination: one <see cref="DeliveredSecretRejected"/> each (published unless dry run).</summary>
    public int Rejected { get; init; }

    /// <summary>Wacht could not say (transient failures through the client's retry budget, or an error listed in the run's <c>Errors</c>). Never counted as rejected.</summary>
    public int Unknown { get; init; }

    /// <summary>RotateSecret commands sent for rejected secrets (in a dry run: that would have been sent).</summary>
    public int RotationsRequested { get; init; }

    /// <summary>Clients not checked, by reason (keys are <see cref="SecretCheckSkipReasons"/> and the sweep's <see cref="SweepSkipReasons"/>).</summary>
    public IReadOnlyDictionary<string, int> Skipped { get; init; } = new Dictionary<string, int>();
}
