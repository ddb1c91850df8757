namespace Wacht.Worker;

/// <summary>What a worker process runs, chosen by the command line and passed to the composition.</summary>
public enum WorkerHostMode
{
    /// <summary>The service: consumes RotateSecret, RevokeGrant and SyncScopes and runs the scheduler (when enabled).</summary>
    Service,

    /// <summary>
    /// The on-demand <c>sweep</c> and <c>audit</c> commands: the process sends commands and waits for their results, so
    /// no command consumer is registered and the scheduler is not added, whatever the configuration says.
    /// </summary>
    Sender,
}
