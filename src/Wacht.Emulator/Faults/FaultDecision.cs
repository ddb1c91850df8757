namespace Wacht.Emulator;

/// <summary>What the matching fault rules do to one request.</summary>
internal readonly record struct FaultDecision(
    int StallMs,
    int LatencyMs,
    int? ErrorStatus,
    int? RetryAfterSeconds,
    string? ErrorMessage,
    bool LoseResponse)
{
    public static FaultDecision None => default;
}
