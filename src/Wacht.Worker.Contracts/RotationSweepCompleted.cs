using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// Event: one run of the secret-rotation sweep finished. The sweep does not rotate by itself: <see cref="Rotated"/>
/// counts the <see cref="RotateSecret"/> commands it sent (trigger <c>schedule</c>), <see cref="SigningKeysRotated"/>
/// the <see cref="RotateSigningKey"/> commands; their own result events follow.
/// </summary>
[MessageUrn("wacht-worker:rotation-sweep-completed:v1")]
[EntityName("wacht-worker.rotation-sweep-completed")]
public sealed record RotationSweepCompleted
{
    public Guid RunId { get; init; }

    /// <summary>One of <see cref="JobTriggers"/>.</summary>
    public string Trigger { get; init; } = JobTriggers.Schedule;

    /// <summary>True when nothing was sent: <see cref="Rotated"/> then counts the commands the sweep would have sent.</summary>
    public bool DryRun { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>Deployments walked (including the ones that failed).</summary>
    public int Deployments { get; init; }

    /// <summary>Clients seen, whatever their fate.</summary>
    public int ClientsSeen { get; init; }

    /// <summary>Clients whose secret is at or past the maximum age (<see cref="Rotated"/> plus those left for the next sweep by the cap, <c>Skipped["cap_reached"]</c>).</summary>
    public int Due { get; init; }

    /// <summary>RotateSecret commands sent (in a dry run: that would have been sent).</summary>
    public int Rotated { get; init; }

    /// <summary>SecretRotationDue warnings published.</summary>
    public int Warned { get; init; }

    /// <summary>Clients not rotated, by reason (keys are <see cref="SweepSkipReasons"/>).</summary>
    public IReadOnlyDictionary<string, int> Skipped { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// Apps whose signing keys the sweep evaluated (0 when signing-key rotation is off: <c>Worker:RotationSweep:MaxSigningKeyAge</c> unset).
    /// </summary>
    public int AppsSeen { get; init; }

    /// <summary>Apps whose active signing key is at or past the maximum age (<see cref="SigningKeysRotated"/> plus those deferred by the cap).</summary>
    public int SigningKeysDue { get; init; }

    /// <summary>RotateSigningKey commands sent (trigger <c>schedule</c>; in a dry run: that would have been sent).</summary>
    public int SigningKeysRotated { get; init; }

    /// <summary>SigningKeyRotationDue warnings published (in a dry run: apps inside the warning window, none warned).</summary>
    public int SigningKeysWarned { get; init; }

    /// <summary>Apps whose signing key was not rotated, by reason (keys are <see cref="SweepSkipReasons"/>).</summary>
    public IReadOnlyDictionary<string, int> SigningKeysSkipped { get; init; } = new Dictionary<string, int>();

    /// <summary>Clients, apps or deployments the sweep could not evaluate or send for; <see cref="Errors"/> says why.</summary>
    public int Failed { get; init; }

    public IReadOnlyList<JobError> Errors { get; init; } = [];

    /// <summary>The validity check of delivered secrets in this run; null when it is off (<c>Worker:RotationSweep:Validity:Enabled</c>).</summary>
    public SecretCheckSummary? SecretChecks { get; init; }
}
