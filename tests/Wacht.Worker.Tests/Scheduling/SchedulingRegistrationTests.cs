using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Quartz;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Scheduling;

/// <summary>The worker as AddWachtWorker composes it puts the configured schedule into Quartz (RAM store).</summary>
public sealed class SchedulingRegistrationTests
{
    [Fact]
    public async Task Start_WithDefaults_SchedulesBothJobs_WithTheConfiguredCronInUtc_AndFireOnceNowOnMisfire()
    {
        await using var world = await WachtWorld.StartAsync();
        var settings = world.WorkerSettings();
        settings["Worker:Scheduling:Enabled"] = "true"; // test hosts have it off by default
        settings["Worker:RotationSweep:Cron"] = "0 30 4 * * ?";
        using var host = await StartAsync(settings);

        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

        var sweep = Assert.IsType<ICronTrigger>(await scheduler.GetTrigger(SchedulingServiceCollectionExtensions.TriggerKeyOf(JobNames.RotationSweep)), exactMatch: false);
        Assert.Equal("0 30 4 * * ?", sweep.CronExpressionString);
        Assert.Equal(TimeZoneInfo.Utc.Id, sweep.TimeZone.Id);
        Assert.Equal(CronTriggerMisfireInstruction.FireAndProceed, sweep.MisfireInstruction);
        Assert.Equal(SchedulingServiceCollectionExtensions.JobKeyOf(JobNames.RotationSweep), sweep.JobKey);
        Assert.Equal(typeof(RotationSweepJob), (await scheduler.GetJobDetail(sweep.JobKey))!.JobType.Type);

        var audit = Assert.IsType<ICronTrigger>(await scheduler.GetTrigger(SchedulingServiceCollectionExtensions.TriggerKeyOf(JobNames.GrantAudit)), exactMatch: false);
        Assert.Equal("0 0 * * * ?", audit.CronExpressionString);
        Assert.Equal(TimeZoneInfo.Utc.Id, audit.TimeZone.Id);
        Assert.Equal(CronTriggerMisfireInstruction.FireAndProceed, audit.MisfireInstruction);
        Assert.Equal(typeof(GrantAuditJob), (await scheduler.GetJobDetail(audit.JobKey))!.JobType.Type);
        Assert.True((await scheduler.GetJobDetail(audit.JobKey))!.ConcurrentExecutionDisallowed);

        Assert.Equal("wacht-worker", scheduler.SchedulerName);
        await host.StopAsync();
    }

    [Fact]
    public async Task Start_WithTheAuditDisabled_SchedulesOnlyTheSweep()
    {
        await using var world = await WachtWorld.StartAsync();
        var settings = world.WorkerSettings();
        settings["Worker:Scheduling:Enabled"] = "true"; // test hosts have it off by default
        settings["Worker:GrantAudit:Enabled"] = "false";
        using var host = await StartAsync(settings);

        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

        Assert.Null(await scheduler.GetTrigger(SchedulingServiceCollectionExtensions.TriggerKeyOf(JobNames.GrantAudit)));
        Assert.False(await scheduler.Exists(SchedulingServiceCollectionExtensions.JobKeyOf(JobNames.GrantAudit)));
        Assert.NotNull(await scheduler.GetTrigger(SchedulingServiceCollectionExtensions.TriggerKeyOf(JobNames.RotationSweep)));
        await host.StopAsync();
    }

    [Fact]
    public async Task Start_WithSchedulingDisabled_RunsNoScheduler()
    {
        await using var world = await WachtWorld.StartAsync();
        var settings = world.WorkerSettings();
        settings["Worker:Scheduling:Enabled"] = "false";
        using var host = await StartAsync(settings);

        Assert.Null(host.Services.GetService<ISchedulerFactory>());
        await host.StopAsync();
    }

    [Fact]
    public async Task Start_WithAnInvalidCron_FailsNamingTheSetting()
    {
        await using var world = await WachtWorld.StartAsync();
        var settings = world.WorkerSettings();
        settings["Worker:Scheduling:Enabled"] = "true"; // test hosts have it off by default
        settings["Worker:GrantAudit:Cron"] = "every hour";

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(settings));

        Assert.Contains("Worker:GrantAudit:Cron", exception.Message, StringComparison.Ordinal);
    }

    private static async Task<IHost> StartAsync(Dictionary<string, string?> settings)
    {
        settings["Logging:LogLevel:Default"] = "Warning";
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddWachtWorker(builder.Configuration);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
