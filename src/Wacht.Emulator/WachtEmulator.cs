using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Wacht.Emulator;

/// <summary>
/// The emulator hosted in-process on Kestrel (a free loopback port unless <see cref="EmulatorOptions.Urls"/>
/// is set), for tests and for the worker's embedded default.
/// </summary>
public sealed class WachtEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorRuntime _runtime;
    private int _disposed;

    private WachtEmulator(WebApplication app, EmulatorRuntime runtime, Uri baseAddress)
    {
        _app = app;
        _runtime = runtime;
        BaseAddress = baseAddress;
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234/</c> (always ends with a slash).</summary>
    public Uri BaseAddress { get; }

    public EmulatorState State => _runtime.State;

    public FaultInjector Faults => _runtime.Faults;

    public CallCounter Calls => _runtime.Calls;

    /// <summary>Hold rules and held requests (the late rotate call): see <see cref="HoldRule"/>.</summary>
    public CallHolds Holds => _runtime.Holds;

    public static async Task<WachtEmulator> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        // An empty builder: no appsettings.json, environment variables or Kestrel config sections of the
        // host process (e.g. the worker embedding it) leak into the emulator.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(WachtEmulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.WebHost.UseKestrelCore();
        builder.Logging.AddConsole().SetMinimumLevel(options.MinimumLogLevel);
        builder.WebHost.UseUrls(options.Urls ?? "http://127.0.0.1:0");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddWachtEmulator(options);

        var app = builder.Build();
        app.MapWachtEmulator();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address");
        var baseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return new WachtEmulator(app, app.Services.GetRequiredService<EmulatorRuntime>(), baseAddress);
    }

    /// <summary>
    /// True only for an active client (by public <c>client_id</c>) whose current secret is
    /// <paramref name="clientSecret"/>.
    /// </summary>
    public bool IsCurrentSecret(string clientId, string clientSecret) => State.IsCurrentSecret(clientId, clientSecret);

    /// <summary>
    /// Holds the next <paramref name="count"/> rotate calls of the client with public <paramref name="clientId"/>:
    /// each is accepted but not executed until released through <see cref="Holds"/> (or until
    /// <paramref name="releaseAfter"/> passes), and then rotates at that moment.
    /// </summary>
    public HoldRule HoldRotate(string clientId, int count = 1, TimeSpan? releaseAfter = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        return Holds.Add(new HoldRule
        {
            Operation = OAuthOperations.RotateOAuthClientSecret,
            ClientId = clientId,
            Remaining = count,
            ReleaseAfterMs = releaseAfter is { } after ? checked((int)after.TotalMilliseconds) : null,
        });
    }

    /// <summary>
    /// Reloads the seed (or regenerates it) and clears call counts, fault rules and hold rules; held requests are
    /// dropped without being executed.
    /// </summary>
    public void Reset() => _runtime.Reset();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _runtime.Stopping.CancelAsync();
        _runtime.Holds.DropAll();
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
            _runtime.Stopping.Dispose();
        }
    }
}
