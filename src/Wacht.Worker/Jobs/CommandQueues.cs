namespace Wacht.Worker.Jobs;

/// <summary>
/// The addresses the scheduled jobs send their commands to: the worker's own command queues (kebab-case endpoint
/// names of the consumers), so scheduled work goes through the same consumer, ledger, locking and events as any command.
/// </summary>
public static class CommandQueues
{
    public static Uri RotateSecret { get; } = new("queue:rotate-secret");

    public static Uri RevokeGrant { get; } = new("queue:revoke-grant");

    public static Uri RotateSigningKey { get; } = new("queue:rotate-signing-key");
}
