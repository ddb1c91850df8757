using System.Globalization;

namespace Wacht.Worker.IntegrationTests.Chaos;

/// <summary>
/// One scenario's figures. The invariant: every command has exactly one terminal outcome, and every client's secret at
/// the destination is one Wacht accepts, or the last event about that client says <c>OldSecretMayBeInvalid=true</c>.
/// </summary>
internal sealed record ChaosFigures
{
    public required string Scenario { get; init; }

    public int Commands { get; init; }

    /// <summary>Commands without any terminal event when the scenario ended.</summary>
    public int WithoutOutcome { get; init; }

    /// <summary>Commands with terminal events that disagree (a success and a failure, or two error codes).</summary>
    public int ConflictingOutcomes { get; init; }

    /// <summary>Extra copies of an outcome (a re-delivered command re-publishes its recorded outcome): harmless, counted.</summary>
    public int DuplicateEvents { get; init; }

    public int Rotated { get; init; }

    public int Failed { get; init; }

    /// <summary>The failures by error code, e.g. <c>wacht_unavailable:2</c>.</summary>
    public string FailureCodes { get; init; } = "";

    /// <summary>Clients whose destination secret Wacht rejects at the end.</summary>
    public int LostSecrets { get; init; }

    /// <summary>Lost secrets no event flagged since the client's last <c>SecretRotated</c>: nobody was told.</summary>
    public int SilentLostSecrets { get; init; }

    /// <summary>Clients whose last event says the old secret is fine (<c>SecretRotated</c>, or a failure with the flag false) while Wacht rejects the destination's.</summary>
    public int WrongFlags { get; init; }

    /// <summary>Times a worker had to be started because it stopped consuming without being killed (must be 0).</summary>
    public int ManualRestarts { get; init; }

    public int Kills { get; init; }

    public int BrokerRestarts { get; init; }

    public int RotateCalls { get; init; }

    /// <summary>Rotate calls beyond one per command that ended in <c>SecretRotated</c>.</summary>
    public int WastedRotations => Math.Max(0, RotateCalls - Rotated);

    public TimeSpan Elapsed { get; init; }

    /// <summary>The invariant (a lost secret that an event flagged is allowed by it; the scenarios assert 0 where no fault excuses one).</summary>
    public bool Holds => WithoutOutcome == 0 && ConflictingOutcomes == 0 && SilentLostSecrets == 0 && WrongFlags == 0 && ManualRestarts == 0;

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"chaos {Scenario,-34} commands={Commands} without_outcome={WithoutOutcome} conflicting={ConflictingOutcomes} "
        + $"duplicate_events={DuplicateEvents} rotated={Rotated} failed={Failed}{(FailureCodes.Length > 0 ? $" ({FailureCodes})" : "")} lost_secrets={LostSecrets} "
        + $"silent_lost={SilentLostSecrets} wrong_flags={WrongFlags} manual_restarts={ManualRestarts} kills={Kills} "
        + $"broker_restarts={BrokerRestarts} rotate_calls={RotateCalls} wasted_rotations={WastedRotations} seconds={Elapsed.TotalSeconds:0}");
}
