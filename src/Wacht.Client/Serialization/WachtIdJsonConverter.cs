using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Wacht.Client.Serialization;

/// <summary>
/// Reads a 64-bit id that the contract sends as a JSON string (<c>"7283910238471"</c>) and, leniently, also as a
/// JSON number, copying the number's raw digits so that values above 2^53 keep every digit. Writes a string.
/// </summary>
internal sealed class WachtIdJsonConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                var raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray();
                if (!IsInteger(raw))
                {
                    throw new JsonException("An id must be an integer; fractional or exponent notation is not an id.");
                }

                return Encoding.ASCII.GetString(raw);
            case JsonTokenType.Null:
                return null;
            default:
                throw new JsonException($"An id must be a JSON string or number, not {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);

    private static bool IsInteger(ReadOnlySpan<byte> raw)
    {
        if (!raw.IsEmpty && raw[0] == (byte)'-')
        {
            raw = raw[1..];
        }

        if (raw.IsEmpty)
        {
            return false;
        }

        foreach (var b in raw)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return true;
    }
}
