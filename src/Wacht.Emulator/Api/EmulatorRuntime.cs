namespace Wacht.Emulator;

/// <summary>Everything a request needs, as one singleton.</summary>
internal sealed class EmulatorRuntime(
    EmulatorOptions options,
    EmulatorState state,
    FaultInjector faults,
    CallCounter calls,
    CallHolds holds,
    ILogger<EmulatorRuntime> logger)
{
    public EmulatorOptions Options { get; } = options;

    public EmulatorState State { get; } = state;

    public FaultInjector Faults { get; } = faults;

    public CallCounter Calls { get; } = calls;

    public CallHolds Holds { get; } = holds;

    /// <summary>The jti values of client assertions already accepted (replay protection).</summary>
    public AssertionReplayCache AssertionReplay { get; } = new(state.TimeProvider);

    public ILogger Logger { get; } = logger;

    /// <summary>Cancelled when the host stops, so stalls and holds never hold a shutdown.</summary>
    public CancellationTokenSource Stopping { get; } = new();

    /// <summary>
    /// Reloads the configured seed (or regenerates it), and clears call counts, fault rules, hold rules and the
    /// assertion replay cache. Held requests are dropped without being executed (the world they were for is gone).
    /// </summary>
    public void Reset()
    {
        Holds.DropAll();
        State.Load(EmulatorSeedSource.Resolve(Options));
        Calls.Reset();
        Faults.Clear();
        AssertionReplay.Clear();
    }
}
