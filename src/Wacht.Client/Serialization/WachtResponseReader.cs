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

    /// <summary>Reads <c>{"<paramref name="propertyName"/>": [...]}</c> (a missing or null list is empty) or a bare array.</summary>
    public static IReadOnlyList<T> ReadList<T>(ReadOnlyMemory<byte> body, string propertyName, JsonTypeInfo<IReadOnlyList<T>> typeInfo)
        where T : class
    {
        using var document = JsonDocument.Parse(body, DocumentOptions);
        var root = Unwrap(document.RootElement);
        JsonElement array;
        switch (root.ValueKind)
        {
            case JsonValueKind.Array:
                array = root;
                break;
            case JsonValueKind.Object when root.TryGetProperty(propertyName, out var property):
                if (property.ValueKind == JsonValueKind.Null)
                {
                    return [];
                }

                if (property.ValueKind != JsonValueKind.Array)
                {
                    throw new JsonException($"Expected '{propertyName}' to be an array but it is {Describe(property.ValueKind)}.");
                }

                array = property;
                break;
            case JsonValueKind.Object:
                throw new JsonException($"Expected an object with a '{propertyName}' array.");
            default:
                throw new JsonException($"Expected an object with a '{propertyName}' array but the body is {Describe(root.ValueKind)}.");
        }

        var list = array.Deserialize(typeInfo) ?? [];
        return list.Contains(null!) ? [.. list.Where(static item => item is not null)] : list;
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
}
