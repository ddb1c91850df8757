namespace Wacht.Worker.Ledger;

/// <summary>The names of the scheduled jobs, as recorded in the ledger and used as Quartz job keys.</summary>
public static class JobNames
{
    public const string RotationSweep = "rotation-sweep";

    public const string GrantAudit = "grant-audit";
}
