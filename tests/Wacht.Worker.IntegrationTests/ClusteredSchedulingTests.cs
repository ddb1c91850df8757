using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Quartz;
using Wacht.Worker.IntegrationTests.Ledger;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests;

/// <summary>Two worker instances sharing one PostgreSQL database as a Quartz cluster: each scheduled fire runs once.</summary>
public sealed class ClusteredSchedulingTests
{
    [Fact]
    public async Task TwoInstances_OnePostgresStore_EachFireOfTheAuditRunsExactlyOnce_AndBothInstancesAreInTheCluster()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var world = await WachtWorld.StartAsync();
        var settings = world.WorkerSettings();
        settings["Worker:Scheduling:Enabled"] = "true"; // test hosts have it off by default
        settings["Worker:Ledger:Provider"] = "PostgreSql";
        settings["Worker:Ledger:ConnectionString"] = database.ConnectionString;
        // No Worker:Scheduling:ConnectionString: the scheduler reuses the ledger's.
        settings["Worker:Scheduling:Store"] = "PostgreSql";
        settings["Worker:Scheduling:Clustered"] = "true";
        settings["Worker:Scheduling:CheckinInterval"] = "00:00:02";
        settings["Worker:RotationSweep:Enabled"] = "false";
        settings["Worker:GrantAudit:Cron"] = "0/2 * * * * ?";

        var executions = new ConcurrentBag<(string Host, string Job, DateTimeOffset ScheduledFireAt, string Instance)>();
        using var first = await StartAsync(settings);
        using var second = await StartAsync(settings);
        var schedulers = new[]
        {
            await first.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(),
            await second.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(),
        };
        for (var i = 0; i < schedulers.Length; i++)
        {
            schedulers[i].ListenerManager.AddJobListener(new CountingListener($"host{i + 1}", executions), [GroupMatcher<JobKey>.AnyGroup()]);
        }

        var countedFrom = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(13));
        var countedTo = DateTimeOffset.UtcNow.AddSeconds(-4);

        // Both instances checked in to the cluster under distinct ids.
        var nodes = await schedulers[0].QueryClusterNodes();
        Assert.Equal(2, nodes.Select(n => n.InstanceId).Distinct().Count());
        Assert.NotEqual(schedulers[0].SchedulerInstanceId, schedulers[1].SchedulerInstanceId);
        Assert.All(schedulers, s => Assert.Equal(SchedulerStatus.Running, s.Status));

        await second.StopAsync();
        await first.StopAsync();

        var runs = executions.ToList();
        // Every fire of the 2-second cron well inside the counted window ran exactly once, on one of the two instances.
        var expected = FireTimes(countedFrom.AddSeconds(1), countedTo);
        Assert.True(expected.Count >= 3, $"window too short: {expected.Count} fires");
        foreach (var fire in expected)
        {
            var ran = runs.Where(r => r.ScheduledFireAt == fire).ToList();
            Assert.True(ran.Count == 1, $"fire {fire:O} ran {ran.Count} times: {string.Join(", ", ran.Select(r => r.Host))}");
        }

        Assert.All(runs, r => Assert.Equal(JobNames.GrantAudit, r.Job));
        Assert.Equal(runs.Count, runs.Select(r => r.ScheduledFireAt).Distinct().Count());

        // ProvisionSchema created Quartz's tables (prefix qrtz_) in the ledger's database.
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('qrtz_triggers', 'qrtz_cron_triggers', 'qrtz_scheduler_state')", connection);
        Assert.Equal(3L, (long)(await command.ExecuteScalarAsync())!);

        // The audits really ran against Wacht and each left one run record in the shared ledger: no fire twice.
        await using var recorded = new NpgsqlCommand(
            "SELECT count(*), count(DISTINCT scheduled_fire_at), count(*) FILTER (WHERE succeeded) FROM job_runs WHERE job = 'grant-audit'", connection);
        await using var reader = await recorded.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var (total, distinctFires, succeeded) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        Assert.True(total >= expected.Count, $"{total} audit runs recorded for {expected.Count} fires");
        Assert.Equal(total, distinctFires);
        Assert.Equal(total, succeeded);
    }

    [Fact]
    public async Task Restart_WithAChangedCron_ReplacesTheStoredTrigger_AndADisabledJobIsRemoved()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var world = await WachtWorld.StartAsync();
        var settings = world.WorkerSettings();
        settings["Worker:Scheduling:Enabled"] = "true"; // test hosts have it off by default
        settings["Worker:Scheduling:Store"] = "PostgreSql";
        settings["Worker:Scheduling:ConnectionString"] = database.ConnectionString;
        settings["Worker:RotationSweep:Cron"] = "0 0 3 * * ?";

        using (var before = await StartAsync(settings))
        {
            await before.StopAsync();
        }

        settings["Worker:RotationSweep:Cron"] = "0 15 5 * * ?";
        settings["Worker:GrantAudit:Enabled"] = "false";
        using var after = await StartAsync(settings);
        var scheduler = await after.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

        var sweep = Assert.IsType<ICronTrigger>(await scheduler.GetTrigger(SchedulingServiceCollectionExtensions.TriggerKeyOf(JobNames.RotationSweep)), exactMatch: false);
        Assert.Equal("0 15 5 * * ?", sweep.CronExpressionString);
        Assert.Equal(CronTriggerMisfireInstruction.FireAndProceed, sweep.MisfireInstruction);
        Assert.False(await scheduler.Exists(SchedulingServiceCollectionExtensions.JobKeyOf(JobNames.GrantAudit)));
        await after.StopAsync();
    }

    private static List<DateTimeOffset> FireTimes(DateTimeOffset from, DateTimeOffset to)
    {
        var result = new List<DateTimeOffset>();
        var t = new DateTimeOffset(from.Year, from.Month, from.Day, from.Hour, from.Minute, from.Second, TimeSpan.Zero);
        for (t = t.AddSeconds(t.Second % 2 == 0 ? 0 : 1); t <= to; t = t.AddSeconds(2))
        {
            if (t >= from)
            {
                result.Add(t);
            }
        }

        return result;
    }

    private static async Task<IHost> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddWachtWorker(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private sealed class CountingListener(string host, ConcurrentBag<(string Host, string Job, DateTimeOffset ScheduledFireAt, string Instance)> executions) : IJobListener
    {
        public string Name => "counting-" + host;

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
        {
            // The audit's body may still throw NotImplementedException (issue 4 in progress): the fire counts all the same.
            executions.Add((host, context.JobDetail.Key.Name, context.ScheduledFireTimeUtc!.Value, context.Scheduler.SchedulerInstanceId));
            return ValueTask.CompletedTask;
        }
    }
}
