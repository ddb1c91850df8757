using System.Text;
using System.Text.Json;

namespace Wacht.Client;

/// <summary>
/// Extracts the server's message from an error body: <c>errors[0].message</c>, else a top-level <c>message</c>,
/// else the raw text. The result is sanitised by the caller and truncated to <see cref="MaxLength"/> characters.
/// </summary>
internal static class ServerMessageReader
{
    public const int MaxLength = 500;

    public static string? Read(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        if (body.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        var (shape, fromJson) = TryReadJson(body);
        if (fromJson is not null)
        {
            return Truncate(fromJson);
        }

        if (shape == JsonShape.Empty)
        {
            return null;
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(body.Length > 16 * 1024 ? body[..(16 * 1024)] : body).Trim();
        }
        catch (ArgumentException)
        {
            return null;
        }

        return text.Length == 0 ? null : Truncate(text);
    }

    private enum JsonShape
    {
        NotJson,
        Empty,
        Other,
    }

    private static (JsonShape Shape, string? Message) TryReadJson(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!JsonDocument.TryParseValue(ref reader, out var document))
            {
                return (JsonShape.NotJson, null);
            }

            using (document)
            {
                var root = document.RootElement;
                switch (root.ValueKind)
                {
                    case JsonValueKind.String:
                        return NonBlank(root.GetString()) is { } text ? (JsonShape.Other, text) : (JsonShape.Empty, null);
                    case JsonValueKind.Null:
                    case JsonValueKind.Object when !root.EnumerateObject().Any():
                    case JsonValueKind.Array when root.GetArrayLength() == 0:
                        return (JsonShape.Empty, null);
                    case JsonValueKind.Object:
                        break;
                    default:
                        return (JsonShape.Other, null);
                }

                if (root.TryGetProperty("errors", out var errors)
                    && errors.ValueKind == JsonValueKind.Array
                    && errors.GetArrayLength() > 0)
                {
                    var first = errors[0];
                    if (first.ValueKind == JsonValueKind.Object
                        && first.TryGetProperty("message", out var nested)
                        && nested.ValueKind == JsonValueKind.String
                        && NonBlank(nested.GetString()) is { } nestedMessage)
                    {
                        return (JsonShape.Other, nestedMessage);
                    }

                    if (first.ValueKind == JsonValueKind.String && NonBlank(first.GetString()) is { } plain)
                    {
                        return (JsonShape.Other, plain);
                    }
                }

                if (root.TryGetProperty("message", out var message)
                    && message.ValueKind == JsonValueKind.String
                    && NonBlank(message.GetString()) is { } topLevel)
                {
                    return (JsonShape.Other, topLevel);
                }

                return (JsonShape.Other, null);
            }
        }
        catch (JsonException)
        {
            return (JsonShape.NotJson, null);
        }
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Truncate(string value) =>
        value.Length <= MaxLength ? value : string.Concat(value.AsSpan(0, MaxLength), "…(truncated)");
}
