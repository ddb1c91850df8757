namespace Wacht.Worker.Contracts;

/// <summary>What started a scheduled job's run: the values of <c>Trigger</c> on <see cref="RotationSweepCompleted"/> and <see cref="GrantAuditCompleted"/>.</summary>
public static class JobTriggers
{
    /// <summary>Fired by the job's cron schedule.</summary>
    public const string Schedule = "schedule";

    /// <summary>Run on demand from the worker's command line (<c>sweep</c>, <c>audit</c>).</summary>
    public const string Manual = "manual";
}
