using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Wacht.Emulator;

namespace Wacht.Worker.Embedded;

/// <summary>
/// Starts the emulator in-process when <c>Worker:Embedded:Enabled</c> is true and points the worker's configuration at
/// it: one <c>Wacht:Deployments</c> entry per seeded deployment (with its API key, in memory only, and the emulator as
/// the apps' runtime host for secret checks) and, when no ledger
/// key is configured, an ephemeral one. The emulator keeps its state in memory, so each run starts from the seed.
/// </summary>
public static class EmbeddedEmulator
{
    /// <summary>Starts the emulator if the configuration asks for it; null otherwise. Dispose the result after the host.</summary>
    public static async Task<WachtEmulator?> StartIfEnabledAsync(IConfigurationManager configuration, CancellationToken cancellationToken = default)
    {
        var options = configuration.GetSection(EmbeddedOptions.SectionPath).Get<EmbeddedOptions>() ?? new EmbeddedOptions();
        if (!options.Enabled)
        {
            return null;
        }

        if (configuration.GetSection("Wacht:Deployments").GetChildren().Any())
        {
            throw new InvalidOperationException(
                "Worker:Embedded:Enabled is true, so the worker talks to its embedded emulator; remove Wacht:Deployments "
                + "or set Worker:Embedded:Enabled to false to use the configured deployments.");
        }

        var emulatorOptions = new EmulatorOptions { Urls = options.Urls };
        if (File.Exists(options.SeedPath))
        {
            emulatorOptions.SeedPath = options.SeedPath;
        }
        else
        {
            emulatorOptions.Generate = new SeedGeneratorOptions { Deployments = 1, AppsPerDeployment = 2, ClientsPerApp = 3, GrantsPerClient = 3 };
        }

        var emulator = await WachtEmulator.StartAsync(emulatorOptions, cancellationToken);

        var settings = new Dictionary<string, string?>();
        foreach (var deployment in emulator.State.Deployments)
        {
            var prefix = $"Wacht:Deployments:{deployment.Id}:";
            settings[prefix + "BaseUrl"] = emulator.BaseAddress.ToString();
            settings[prefix + "ApiKey"] = emulator.State.GetApiKey(deployment.Id);
            settings[prefix + "PathStyle"] = "Backend";

            // The apps' runtime endpoints (secret checks) are served by the same emulator port; the Host header
            // selects the app.
            settings[prefix + "RuntimeBaseUrl"] = emulator.BaseAddress.ToString();
        }

        var ledger = configuration.GetSection("Worker:Ledger");
        if (string.IsNullOrEmpty(ledger["EncryptionKey"]) && string.IsNullOrEmpty(ledger["EncryptionKeyEnvironmentVariable"]) && string.IsNullOrEmpty(ledger["EncryptionKeyFile"]))
        {
            // Pending secrets of an embedded run are only meaningful to that run (the emulator forgets everything),
            // so an ephemeral key kept in memory is enough and nothing key-like is written to disk.
            settings["Worker:Ledger:EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        }

        configuration.AddInMemoryCollection(settings);
        return emulator;
    }
}
