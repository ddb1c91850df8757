using Microsoft.Extensions.Hosting;
using Wacht.Emulator;
using Wacht.Worker.Embedded;
using Wacht.Worker.Hosting;

namespace Wacht.Worker;

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

    /// <summary>Builds the host from appsettings.json, environment variables and <c>--Key=Value</c> arguments.</summary>
    public static async Task<WorkerApp> BuildAsync(string[] args, CancellationToken cancellationToken)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(args);
        var emulator = await EmbeddedEmulator.StartIfEnabledAsync(builder.Configuration, cancellationToken);
        try
        {
            builder.Services.AddWachtWorker(builder.Configuration);
            builder.AddWachtOperations();
            return new WorkerApp(builder.Build(), emulator);
        }
        catch
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            Host.Dispose();
        }

        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }
}
