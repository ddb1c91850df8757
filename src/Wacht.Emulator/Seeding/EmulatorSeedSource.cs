namespace Wacht.Emulator;

/// <summary>Picks the seed an <see cref="EmulatorOptions"/> asks for.</summary>
internal static class EmulatorSeedSource
{
    public static EmulatorSeed Resolve(EmulatorOptions options) =>
        options.Seed
        ?? (options.SeedPath is { Length: > 0 } path ? SeedFile.Load(path) : null)
        ?? SeedGenerator.Generate(options.Generate ?? new SeedGeneratorOptions(), options.TimeProvider);

    public static string Describe(EmulatorOptions options) =>
        options.Seed is not null ? "object"
        : options.SeedPath is { Length: > 0 } path ? path
        : "generated";
}
