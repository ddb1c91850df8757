using Wacht.Worker.Jobs;

namespace Wacht.Worker.Rotation;

/// <summary>
/// One run of the secret-rotation sweep: walks every configured deployment's clients, applies the rotation policy,
/// sends RotateSecret commands (trigger <c>schedule</c>) for due clients, publishes SecretRotationDue warnings and a
/// RotationSweepCompleted summary, and records the run in the ledger.
/// </summary>
public sealed class RotationSweep
{
    /// <summary>Runs one sweep. Throws only when the run could not run at all; per-deployment errors are in the summary.</summary>
    public Task<SweepReport> RunAsync(JobRunRequest request, CancellationToken cancellationToken) =>
        throw new NotImplementedException("issue 4: rotation sweep");
}
