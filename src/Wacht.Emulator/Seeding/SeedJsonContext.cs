using System.Text.Json.Serialization;

namespace Wacht.Emulator;

/// <summary>Source-generated JSON for seed files (snake_case, nulls omitted when writing, comments allowed, unknown fields rejected so a typo fails loudly).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    WriteIndented = true)]
[JsonSerializable(typeof(EmulatorSeed))]
internal sealed partial class SeedJsonContext : JsonSerializerContext;
