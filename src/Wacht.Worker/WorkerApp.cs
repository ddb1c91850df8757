using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Wacht.Emulator;
using Wacht.Worker.Embedded;
using Wacht.Worker.Hosting;
using Wacht.Worker.Startup;

namespace Wacht.Worker;

/// <summary>How the command line asks for a worker.</summary>
internal sealed record WorkerAppOptions
{
    /// <summary>The <c>--set Key=Value</c> settings: the last configuration source, so they win over every other.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>What the process runs (the service, or a sender for <c>sweep</c>/<c>audit</c>).</summary>
    public WorkerHostMode Mode { get; init; } = WorkerHostMode.Service;

    /// <summary>Where appsettings.json is read from; the working directory when null (the executable makes its content root the working directory).</summary>
    public string? ContentRoot { get; init; }

    /// <summary>The host environment; when null, DOTNET_ENVIRONMENT, else Production.</summary>
    public string? EnvironmentName { get; init; }

    /// <summary>Start the health and metrics listener (<c>Worker:Health</c>): the service does; the one-shot commands never do.</summary>
    public bool HealthListener { get; init; }
}

/// <summary>The worker's host plus, in the embedded default, the in-process emulator it talks to.</summary>
internal sealed class WorkerApp : IAsyncDisposable
{
    private WorkerApp(IHost host, WachtEmulator? emulator)
    {
        Host = host;
        Emulator = emulator;
    }

    public IHost Host { get; }

    /// <summary>The embedded emulator, or null when the worker talks to the configured Wacht deployments.</summary>
    public WachtEmulator? Emulator { get; }

    /// <summary>
    /// Builds the host from appsettings.json and appsettings.{Environment}.json in the content root, environment
    /// variables and the <c>--set</c> settings (nothing else from the command line reaches configuration), then checks
    /// it before anything starts: the development defaults outside Development, every options validation at once, and
    /// the first contact with the ledger and the broker.
    /// </summary>
    /// <exception cref="WorkerStartupException">Every problem found, each naming its setting.</exception>
    public static async Task<WorkerApp> BuildAsync(WorkerAppOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Configuration is read once, at start: what runs is what the start-up checks validated (a file changed under a
        // running worker would skip them; restart it, e.g. `kubectl rollout restart`). It also keeps a file
        // watcher off the content root, where the default ledger lives: that watcher handled an event for every write.
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection([new("hostBuilder:reloadConfigOnChange", "false")]);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = options.ContentRoot ?? Directory.GetCurrentDirectory(),
            EnvironmentName = options.EnvironmentName,
            Configuration = configuration,
        });
        builder.Configuration.AddInMemoryCollection(options.Settings);
        var environment = builder.Environment.EnvironmentName;

        var problems = new List<string>(DevelopmentDefaults.Check(builder.Environment, builder.Configuration));
        WachtEmulator? emulator = null;
        IHost? host = null;
        try
        {
            // Not started when the defaults are refused: a refused emulator must not even listen.
            emulator = problems.Count == 0 ? await EmbeddedEmulator.StartIfEnabledAsync(builder.Configuration, cancellationToken) : null;
            builder.Services.AddWachtWorker(builder.Configuration, mode: options.Mode);
            builder.AddWachtOperations(options.HealthListener);
            host = builder.Build();
            problems.AddRange(StartupValidation.Collect(host.Services));
            if (problems.Count == 0)
            {
                problems.AddRange(await ConnectionChecks.RunAsync(host.Services, cancellationToken));
            }
        }
        catch (Exception exception) when (StartupValidation.IsBindingFailure(exception))
        {
            problems.Add(exception.Message);
        }
        catch
        {
            await DisposeAsync(host, emulator);
            throw;
        }

        if (problems.Count > 0)
        {
            await DisposeAsync(host, emulator);
            throw new WorkerStartupException(environment, problems);
        }

        return new WorkerApp(host!, emulator);
    }

    public ValueTask DisposeAsync() => DisposeAsync(Host, Emulator);

    private static async ValueTask DisposeAsync(IHost? host, WachtEmulator? emulator)
    {
        if (host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            host?.Dispose();
        }

        if (emulator is not null)
        {
            await emulator.DisposeAsync();
        }
    }
}
