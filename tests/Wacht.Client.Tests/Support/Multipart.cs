using System.Text;

namespace Wacht.Client.Tests.Support;

/// <summary>A minimal multipart/form-data parser for asserting request shapes.</summary>
public static class Multipart
{
    public sealed record Part(IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);
    }

    public static IReadOnlyList<Part> Parse(RecordedRequest request)
    {
        var contentType = request.ContentType ?? throw new InvalidOperationException("no content type");
        var boundary = contentType.Split(';').Select(static p => p.Trim())
            .Single(static p => p.StartsWith("boundary=", StringComparison.Ordinal))["boundary=".Length..].Trim('"');
        var text = Encoding.Latin1.GetString(request.Body);
        var parts = new List<Part>();
        foreach (var chunk in text.Split("--" + boundary))
        {
            if (chunk.StartsWith("--", StringComparison.Ordinal) || string.IsNullOrWhiteSpace(chunk))
            {
                continue;
            }

            var body = chunk.StartsWith("\r\n", StringComparison.Ordinal) ? chunk[2..] : chunk;
            var split = body.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var headerText = body[..split];
            var content = body[(split + 4)..];
            if (content.EndsWith("\r\n", StringComparison.Ordinal))
            {
                content = content[..^2];
            }

            var headers = headerText.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
                .Select(static line => line.Split(':', 2))
                .ToDictionary(static kv => kv[0].Trim(), static kv => kv[1].Trim(), StringComparer.OrdinalIgnoreCase);
            parts.Add(new Part(headers, Encoding.Latin1.GetBytes(content)));
        }

        return parts;
    }

    public static Part Field(this IReadOnlyList<Part> parts, string name) =>
        parts.Single(part => part.Headers["Content-Disposition"].Contains($"name=\"{name}\"", StringComparison.Ordinal));

    public static bool HasField(this IReadOnlyList<Part> parts, string name) =>
        parts.Any(part => part.Headers["Content-Disposition"].Contains($"name=\"{name}\"", StringComparison.Ordinal));
}
