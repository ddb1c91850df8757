namespace Wacht.Worker.Hosting;

/// <summary>
/// The exit code the service process returns once its host has stopped: 0 unless a component stopped the host because
/// it cannot go on (the consumer watchdog), so a supervisor sees a failure, not a requested stop.
/// </summary>
internal sealed class HostExitCode
{
    /// <summary>The code of a process stopped by the consumer watchdog (EX_TEMPFAIL: start it again).</summary>
    public const int ConsumersLost = 75;

    private int _value;

    public int Value => Volatile.Read(ref _value);

    public void Set(int value) => Interlocked.CompareExchange(ref _value, value, 0);
}
