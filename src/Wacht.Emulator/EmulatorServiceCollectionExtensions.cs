namespace Wacht.Emulator;

/// <summary>Registers the emulator's singletons (shared by Program.cs and <see cref="WachtEmulator.StartAsync"/>).</summary>
public static class EmulatorServiceCollectionExtensions
{
    /// <summary>Loads (or generates) the seed now, so a bad seed fails at startup.</summary>
    public static IServiceCollection AddWachtEmulator(this IServiceCollection services, EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (!SigningKeys.IsSupported(options.SigningKeyAlgorithm))
        {
            throw new ArgumentException($"unsupported signing key algorithm '{options.SigningKeyAlgorithm}' (use ES256 or RS256)", nameof(options));
        }

        if (options.LatencyMs < 0)
        {
            throw new ArgumentException($"latency_ms must not be negative (got {options.LatencyMs})", nameof(options));
        }

        var state = new EmulatorState(options.TimeProvider, options.SigningKeyAlgorithm, EmulatorSeedSource.Resolve(options));
        services.AddSingleton(options);
        services.AddSingleton(state);
        services.AddSingleton(new FaultInjector(options.FaultRandomSeed));
        services.AddSingleton<CallCounter>();
        services.AddSingleton(new CallHolds(options.TimeProvider));
        services.AddSingleton(sp => new EmulatorRuntime(
            options,
            state,
            sp.GetRequiredService<FaultInjector>(),
            sp.GetRequiredService<CallCounter>(),
            sp.GetRequiredService<CallHolds>(),
            sp.GetRequiredService<ILogger<EmulatorRuntime>>()));
        services.AddRouting();
        return services;
    }
}
