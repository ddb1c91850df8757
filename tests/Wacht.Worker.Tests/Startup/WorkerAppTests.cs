using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wacht.Worker.Grants;
using Wacht.Worker.Rotation;
using Wacht.Worker.Startup;

namespace Wacht.Worker.Tests.Startup;

/// <summary>
/// How the executable composes and checks the worker before anything starts (in-process; the Cli tests run the real
/// executable): every configuration problem at once, binder failures named, and the sender mode of <c>sweep</c>/<c>audit</c>.
/// </summary>
public sealed class WorkerAppTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("wacht-worker-app-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task EveryOptionsProblem_IsCollected_InOneException()
    {
        var settings = Embedded();
        settings["Worker:RotationSweep:Cron"] = "daily";
        settings["Worker:GrantAudit:MaxRevocationsPerRun"] = "-1";
        settings["Worker:Messaging:ConcurrentMessageLimit"] = "0";
        settings["Worker:Ledger:CommandTimeout"] = "00:00:00";
        settings["Worker:Secrets:Destination"] = "Vault";

        var exception = await Assert.ThrowsAsync<WorkerStartupException>(() => BuildAsync(settings, "Development"));

        foreach (var setting in new[] { "Worker:RotationSweep:Cron", "Worker:GrantAudit:MaxRevocationsPerRun", "Worker:Messaging:ConcurrentMessageLimit", "Worker:Ledger:CommandTimeout", "Worker:Secrets:Destination" })
        {
            Assert.Single(exception.Problems, p => p.StartsWith(setting, StringComparison.Ordinal));
        }

        Assert.Equal(5, exception.Problems.Count);
        Assert.StartsWith("Wacht.Worker cannot start (Development environment): 5 problems", exception.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_data, "ledger.db")), "nothing is opened before the configuration is valid");
    }

    [Fact]
    public async Task AValueThatCannotBeConverted_IsAProblemNamingTheSetting()
    {
        var settings = Embedded();
        settings["Worker:Messaging:ConcurrentMessageLimit"] = "many";

        var exception = await Assert.ThrowsAsync<WorkerStartupException>(() => BuildAsync(settings, "Development"));

        Assert.Contains("Worker:Messaging:ConcurrentMessageLimit", Assert.Single(exception.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_OnTheDevelopmentDefaults_IsRefusedBeforeTheEmulatorStarts_WithEveryOtherProblem()
    {
        var settings = Embedded();
        settings["Worker:RotationSweep:Cron"] = "daily";

        var exception = await Assert.ThrowsAsync<WorkerStartupException>(() => BuildAsync(settings, "Production"));

        Assert.Equal("Production", exception.EnvironmentName);
        Assert.Contains(exception.Problems, p => p.StartsWith("Worker:Embedded:Enabled:", StringComparison.Ordinal));
        Assert.Contains(exception.Problems, p => p.StartsWith("Worker:Messaging:Transport:", StringComparison.Ordinal));
        Assert.Contains(exception.Problems, p => p.StartsWith("Wacht:Deployments:", StringComparison.Ordinal));
        Assert.Contains(exception.Problems, p => p.StartsWith("Worker:RotationSweep:Cron", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Production_WithAllowDevelopmentDefaults_Builds()
    {
        var settings = Embedded();
        settings["Worker:AllowDevelopmentDefaults"] = "true";

        await using var app = await BuildAsync(settings, "Production");

        Assert.NotNull(app.Emulator);
    }

    [Theory]
    [InlineData(WorkerHostMode.Service, true)]
    [InlineData(WorkerHostMode.Sender, false)]
    public async Task OnlyTheService_RegistersTheCommandConsumers_AndTheScheduler(WorkerHostMode mode, bool service)
    {
        var settings = Embedded();
        settings["Worker:Scheduling:Enabled"] = "true";

        await using var app = await BuildAsync(settings, "Development", mode);

        using var scope = app.Host.Services.CreateScope();
        var services = scope.ServiceProvider;
        foreach (var handler in Worker.Commands.CommandHandlers.All)
        {
            Assert.Equal(service, services.GetService(handler.Consumer) is not null);
        }

        Assert.Equal(service, services.GetServices<IHostedService>().Any(static s => s.GetType().FullName == "Quartz.QuartzHostedService"));

        // The sender still validates the schedule's settings and runs the jobs on demand.
        Assert.NotNull(services.GetService<RotationSweep>());
        Assert.NotNull(services.GetService<GrantAudit>());
    }

    [Fact]
    public async Task Configuration_IsReadOnceAtStart_NoFileInTheContentRootIsWatched()
    {
        // The default ledger lives under the content root (data/), and a watcher there handled an event for every
        // ledger write; a configuration that changed under a running worker would also skip the start-up validation.
        File.WriteAllText(Path.Combine(_data, "appsettings.json"), "{}");

        await using var app = await WorkerApp.BuildAsync(
            new WorkerAppOptions { Settings = Embedded(), EnvironmentName = "Development", ContentRoot = _data }, CancellationToken.None);

        var root = Assert.IsAssignableFrom<IConfigurationRoot>(app.Host.Services.GetRequiredService<IConfiguration>());
        var files = root.Providers.OfType<FileConfigurationProvider>().ToList();
        Assert.Contains(files, static p => p.Source.Path == "appsettings.json");
        Assert.All(files, static p => Assert.False(p.Source.ReloadOnChange, $"{p.Source.Path} is watched"));
    }

    private Dictionary<string, string?> Embedded() => new()
    {
        ["Worker:Embedded:Enabled"] = "true",
        ["Worker:Messaging:Transport"] = "InMemory",
        ["Worker:Ledger:SqlitePath"] = Path.Combine(_data, "ledger.db"),
        ["Worker:Secrets:File:Directory"] = Path.Combine(_data, "secrets"),
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private static Task<WorkerApp> BuildAsync(Dictionary<string, string?> settings, string environment, WorkerHostMode mode = WorkerHostMode.Service) =>
        WorkerApp.BuildAsync(new WorkerAppOptions { Settings = settings, EnvironmentName = environment, Mode = mode }, CancellationToken.None);
}
