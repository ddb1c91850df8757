using System.Text.Json;
using System.Text.Json.Serialization;

namespace Wacht.Client.Serialization;

/// <summary>Reads a <see cref="ClientSecret"/> from a JSON string (empty means none) and writes its real value.</summary>
internal sealed class ClientSecretJsonConverter : JsonConverter<ClientSecret>
{
    public override ClientSecret? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            // The message deliberately carries no value.
            throw new JsonException($"A client secret must be a JSON string, not {reader.TokenType}.");
        }

        var value = reader.GetString();
        return string.IsNullOrEmpty(value) ? null : new ClientSecret(value);
    }

    public override void Write(Utf8JsonWriter writer, ClientSecret value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStringValue(value.Reveal());
    }
}
