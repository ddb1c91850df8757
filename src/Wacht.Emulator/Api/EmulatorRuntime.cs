namespace Wacht.Emulator;

/// <summary>Everything a request needs, as one singleton.</summary>
internal sealed class EmulatorRuntime(
    EmulatorOptions options,
    EmulatorState state,
    FaultInjector faults,
    CallCounter calls,
    ILogger<EmulatorRuntime> logger)
{
    public EmulatorOptions Options { get; } = options;

    public EmulatorState State { get; } = state;

    public FaultInjector Faults { get; } = faults;

    public CallCounter Calls { get; } = calls;

    public ILogger Logger { get; } = logger;

    /// <summary>Cancelled when the host stops, so stalls never hold a shutdown.</summary>
    public CancellationTokenSource Stopping { get; } = new();

    /// <summary>Reloads the configured seed (or regenerates it), and clears call counts and fault rules.</summary>
    public void Reset()
    {
        State.Load(EmulatorSeedSource.Resolve(Options));
        Calls.Reset();
        Faults.Clear();
    }
}
