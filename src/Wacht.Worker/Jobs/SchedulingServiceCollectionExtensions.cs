using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;
using Wacht.Worker.Grants;
using Wacht.Worker.Ledger;
using Wacht.Worker.Rotation;

namespace Wacht.Worker.Jobs;

/// <summary>Registers the Quartz scheduler that fires the rotation sweep and the grant audit.</summary>
public static class SchedulingServiceCollectionExtensions
{
    /// <summary>The Quartz job group of the worker's jobs.</summary>
    public const string JobGroup = "wacht-worker";

    /// <summary>
    /// Binds <c>Worker:Scheduling</c>, <c>Worker:RotationSweep</c> and <c>Worker:GrantAudit</c> (validated at start) and,
    /// unless <c>Worker:Scheduling:Enabled</c> is false, registers Quartz with a cron trigger (UTC, misfire: fire once now,
    /// then proceed) for each enabled job, on the RAM store or PostgreSQL (clustered, schema created when missing), and
    /// the hosted service that runs it. The schedule in configuration wins over one already stored: declared jobs and
    /// triggers replace stored ones at start, and a disabled job is deleted from the store. <paramref name="runScheduler"/>
    /// false (a process that only sends commands) binds and validates the settings but never adds the scheduler.
    /// </summary>
    public static IServiceCollection AddWachtScheduling(this IServiceCollection services, IConfiguration configuration, bool runScheduler = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // The jobs' services and options (validated at start) are registered beside their features.
        services.AddWachtRotationSweep();
        services.AddWachtGrantAudit();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RotationSweepOptions>, RotationSweepCronValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrantAuditOptions>, GrantAuditCronValidator>());

        services.AddOptions<SchedulingOptions>().BindConfiguration(SchedulingOptions.SectionPath).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SchedulingOptions>, SchedulingOptionsValidator>());

        // Quartz is configured while registering, so the settings that shape it are read from configuration here; the
        // same values are validated (with messages naming the setting) when the host starts.
        var scheduling = configuration.GetSection(SchedulingOptions.SectionPath).Get<SchedulingOptions>() ?? new SchedulingOptions();
        if (!scheduling.Enabled || !runScheduler)
        {
            return services;
        }

        var sweep = configuration.GetSection(RotationSweepOptions.SectionPath).Get<RotationSweepOptions>() ?? new RotationSweepOptions();
        var audit = configuration.GetSection(GrantAuditOptions.SectionPath).Get<GrantAuditOptions>() ?? new GrantAuditOptions();

        services.Configure<QuartzOptions>(o =>
        {
            // The configured schedule replaces a stored one (a changed cron takes effect at the next start); the
            // replacing trigger continues from the replaced one's last fire, so a fire missed while down still misfires
            // and runs once instead of being forgotten.
            o.Scheduling.OverwriteExistingData = true;
            o.Scheduling.ScheduleTriggerRelativeToReplacedTrigger = true;
        });

        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = scheduling.SchedulerName;
                if (!string.Equals(scheduling.InstanceId, SchedulingOptions.AutoInstanceId, StringComparison.OrdinalIgnoreCase))
                {
                    s.InstanceId = scheduling.InstanceId;
                }
            });
            if (string.Equals(scheduling.InstanceId, SchedulingOptions.AutoInstanceId, StringComparison.OrdinalIgnoreCase))
            {
                q.UseInstanceIdGenerator<WorkerInstanceIdGenerator>();
            }

            if (scheduling.Store == SchedulingStore.PostgreSql)
            {
                q.UsePersistentStore(store =>
                {
                    store.UsePostgres(data => data.DataSourceFactory = sp => NpgsqlDataSource.Create(ConnectionString(sp)));
                    store.UseSystemTextJsonSerializer();
                    store.ProvisionSchema();
                    store.ConfigureStore(o =>
                    {
                        o.TablePrefix = scheduling.TablePrefix;
                        o.MisfireThreshold = scheduling.MisfireThreshold;
                    });
                    if (scheduling.IsClustered)
                    {
                        store.UseClustering(c => c.CheckinInterval = scheduling.CheckinInterval);
                    }
                });
            }
            else
            {
                q.UseInMemoryStore(o => o.MisfireThreshold = scheduling.MisfireThreshold);
            }

            if (sweep.Enabled)
            {
                AddCronJob<RotationSweepJob>(q, JobNames.RotationSweep, sweep.Cron, "Secret-rotation sweep (Worker:RotationSweep)");
            }

            if (audit.Enabled)
            {
                AddCronJob<GrantAuditJob>(q, JobNames.GrantAudit, audit.Cron, "Grant audit (Worker:GrantAudit)");
            }
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddHostedService<DisabledJobRemover>();
        return services;
    }

    /// <summary>The job key of a scheduled job (<see cref="JobNames"/>).</summary>
    public static JobKey JobKeyOf(string jobName) => new(jobName, JobGroup);

    /// <summary>The trigger key of a scheduled job's cron trigger.</summary>
    public static TriggerKey TriggerKeyOf(string jobName) => new(jobName, JobGroup);

    private static void AddCronJob<TJob>(IQuartzBuilder q, string name, string cron, string description)
        where TJob : IJob
    {
        // An invalid expression is reported (naming the setting) by the cron validators at start; do not fail here first.
        if (!CronExpression.TryParse(cron, out _))
        {
            return;
        }

        q.ScheduleJob<TJob>(
            trigger => trigger
                .WithIdentity(TriggerKeyOf(name))
                .WithDescription(description)
                .WithCronSchedule(cron, s => s
                    .InTimeZone(TimeZoneInfo.Utc)
                    .WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)),
            job => job
                .WithIdentity(JobKeyOf(name))
                .WithDescription(description));
    }

    private static string ConnectionString(IServiceProvider services) =>
        SchedulingOptionsValidator.ResolveConnectionString(
            services.GetRequiredService<IOptions<SchedulingOptions>>().Value,
            services.GetRequiredService<IOptions<LedgerOptions>>().Value);
}
