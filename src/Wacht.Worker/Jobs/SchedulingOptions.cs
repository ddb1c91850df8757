namespace Wacht.Worker.Jobs;

/// <summary>Where Quartz keeps the schedule.</summary>
public enum SchedulingStore
{
    /// <summary>In memory: one worker instance; the schedule is rebuilt from configuration at every start.</summary>
    Ram,

    /// <summary>Quartz's tables in PostgreSQL: several worker instances share the schedule and each fire runs on one of them.</summary>
    PostgreSql,
}

/// <summary>The Quartz scheduler that fires the scheduled jobs (rotation sweep, grant audit), section <c>Worker:Scheduling</c>.</summary>
public sealed class SchedulingOptions
{
    public const string SectionPath = "Worker:Scheduling";

    /// <summary>Whether this process runs the scheduler at all. The on-demand <c>sweep</c> and <c>audit</c> commands never run it, whatever this says.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where the schedule is kept. Default <see cref="SchedulingStore.Ram"/>.</summary>
    public SchedulingStore Store { get; set; } = SchedulingStore.Ram;

    /// <summary>PostgreSQL: the connection string. When neither this nor <see cref="ConnectionStringEnvironmentVariable"/> is set, the ledger's (<c>Worker:Ledger</c>, provider PostgreSql) is used.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>PostgreSQL: the name of an environment variable holding the connection string.</summary>
    public string? ConnectionStringEnvironmentVariable { get; set; }

    /// <summary>PostgreSQL: whether the instances sharing the database form a Quartz cluster (each fire runs on one instance). Default true; must be false or unset for the RAM store.</summary>
    public bool? Clustered { get; set; }

    /// <summary>The Quartz scheduler name. Every instance of one cluster must use the same name (it is part of every row's key). Default <c>wacht-worker</c>.</summary>
    public string SchedulerName { get; set; } = "wacht-worker";

    /// <summary>This instance's id within the cluster; <c>AUTO</c> (the default) generates a unique one (host name, process id, random suffix).</summary>
    public string InstanceId { get; set; } = AutoInstanceId;

    /// <summary>PostgreSQL: the prefix of Quartz's tables (created at start when missing). Default <c>qrtz_</c>.</summary>
    public string TablePrefix { get; set; } = "qrtz_";

    /// <summary>PostgreSQL, clustered: how often an instance records that it is alive; a peer silent for longer is presumed dead and its fires recovered. Default 15 s.</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How late a fire may start before it counts as misfired (then it fires once at once and the schedule proceeds). Default 1 minute.</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The <see cref="InstanceId"/> value that asks for a generated id.</summary>
    public const string AutoInstanceId = "AUTO";

    /// <summary>Whether the instances cluster: <see cref="Clustered"/>, else true for PostgreSQL.</summary>
    public bool IsClustered => Clustered ?? Store == SchedulingStore.PostgreSql;
}
