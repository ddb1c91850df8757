using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Wacht.Client.Serialization;

/// <summary>
/// Reads success bodies. Tolerates a <c>{"data": ...}</c> envelope (the platform does not send one, the Node SDK
/// accepts it), and a bare array where the contract has <c>{"apps":[...]}</c> and the like.
/// </summary>
internal static class WachtResponseReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public static T ReadObject<T>(ReadOnlyMemory<byte> body, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        using var document = JsonDocument.Parse(body, DocumentOptions);
        var root = Unwrap(document.RootElement);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"Expected a JSON object but the body is {Describe(root.ValueKind)}.");
        }

        return root.Deserialize(typeInfo) ?? throw new JsonException("The body was JSON null.");
    }

    /// <summary>Reads <c>{"<paramref name="propertyName"/>": {...}}</c>, or the object itself when it lacks that property.</summary>
    public static T ReadNestedObject<T>(ReadOnlyMemory<byte> body, string propertyName, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        using var document = JsonDocument.Parse(body, DocumentOptions);
        var root = Unwrap(document.RootElement);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"Expected a JSON object but the body is {Describe(root.ValueKind)}.");
        }

        var target = root.TryGetProperty(propertyName, out var nested) && nested.ValueKind == JsonValueKind.Object
            ? nested
            : root;
        return target.Deserialize(typeInfo) ?? throw new JsonException("The body was JSON null.");
    }

    /// <summary>
    /// Reads <c>{"<paramref name="propertyName"/>": [...]}</c> (a missing or null list is empty) or a bare array. The
    /// lists are the hot path (the audit reads one per client): the body is read once, token by token, and the array
    /// is deserialized where it stands, with no document built first.
    /// </summary>
    public static IReadOnlyList<T> ReadList<T>(ReadOnlyMemory<byte> body, string propertyName, JsonTypeInfo<IReadOnlyList<T>> typeInfo)
        where T : class
    {
        var reader = new Utf8JsonReader(body.Span, ReaderOptions);
        // An empty body, like any other that is not JSON, makes the reader throw a JsonException.
        reader.Read();
        var list = ReadListValue(ref reader, propertyName, typeInfo, envelope: true);

        // Only one value: anything after it (other than white space) makes the reader throw.
        reader.Read();
        return list.Contains(null!) ? [.. list.Where(static item => item is not null)] : list;
    }

    private static IReadOnlyList<T> ReadListValue<T>(ref Utf8JsonReader reader, string propertyName, JsonTypeInfo<IReadOnlyList<T>> typeInfo, bool envelope)
        where T : class
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            return JsonSerializer.Deserialize(ref reader, typeInfo) ?? [];
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Expected an object with a '{propertyName}' array but the body is {Describe(reader.TokenType)}.");
        }

        IReadOnlyList<T>? found = null;
        string? wrongKind = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (envelope && reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    // An envelope wins over whatever stands beside it (as the platform's Node SDK reads it).
                    var data = ReadListValue(ref reader, propertyName, typeInfo, envelope: false);
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        reader.Skip();
                    }

                    return data;
                }

                reader.Skip();
            }
            else if (found is null && wrongKind is null && reader.ValueTextEquals(propertyName))
            {
                reader.Read();
                switch (reader.TokenType)
                {
                    case JsonTokenType.Null:
                        found = [];
                        break;
                    case JsonTokenType.StartArray:
                        found = JsonSerializer.Deserialize(ref reader, typeInfo) ?? [];
                        break;
                    default:
                        wrongKind = Describe(reader.TokenType);
                        reader.Skip();
                        break;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return found
            ?? throw new JsonException(wrongKind is null
                ? $"Expected an object with a '{propertyName}' array."
                : $"Expected '{propertyName}' to be an array but it is {wrongKind}.");
    }

    private static JsonElement Unwrap(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("data", out var data)
        && data.ValueKind is JsonValueKind.Object or JsonValueKind.Array
            ? data
            : root;

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "undefined",
    };

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "undefined",
    };
}
