using System.Text.Json;

namespace Wacht.Emulator;

/// <summary>Reads and writes JSON seed files (snake_case).</summary>
public static class SeedFile
{
    public static EmulatorSeed Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    public static EmulatorSeed Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize(json, SeedJsonContext.Default.EmulatorSeed)
                ?? throw new InvalidDataException("invalid seed: the document is null");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"invalid seed: {ex.Message}", ex);
        }
    }

    public static string Serialize(EmulatorSeed seed) => JsonSerializer.Serialize(seed, SeedJsonContext.Default.EmulatorSeed);

    public static void Save(EmulatorSeed seed, string path) => File.WriteAllText(path, Serialize(seed) + "\n");

    private static EmulatorSeed Parse(Stream stream, string source)
    {
        try
        {
            return JsonSerializer.Deserialize(stream, SeedJsonContext.Default.EmulatorSeed)
                ?? throw new InvalidDataException($"invalid seed {source}: the document is null");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"invalid seed {source}: {ex.Message}", ex);
        }
    }
}
