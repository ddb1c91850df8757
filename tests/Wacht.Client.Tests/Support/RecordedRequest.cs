using System.Net.Http.Headers;
using System.Text;

namespace Wacht.Client.Tests.Support;

/// <summary>A request as the primary handler received it (body copied, headers flattened).</summary>
public sealed record RecordedRequest(
    HttpMethod Method,
    Uri Uri,
    AuthenticationHeaderValue? Authorization,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentType,
    byte[] Body,
    string? DeploymentId,
    string? Operation,
    bool? IsIdempotent)
{
    /// <summary>The escaped path as it goes on the wire.</summary>
    public string Path => Uri.AbsolutePath;

    public string BodyText => Encoding.UTF8.GetString(Body);

    public static async Task<RecordedRequest> CaptureAsync(HttpRequestMessage request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = string.Join(", ", header.Value);
        }

        byte[] body = [];
        string? contentType = null;
        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers)
            {
                headers[header.Key] = string.Join(", ", header.Value);
            }

            contentType = request.Content.Headers.ContentType?.ToString();
            body = await request.Content.ReadAsByteArrayAsync();
        }

        return new RecordedRequest(
            request.Method,
            request.RequestUri!,
            request.Headers.Authorization,
            headers,
            contentType,
            body,
            request.Options.TryGetValue(WachtRequestOptionKeys.DeploymentId, out var deployment) ? deployment : null,
            request.Options.TryGetValue(WachtRequestOptionKeys.Operation, out var operation) ? operation : null,
            request.Options.TryGetValue(WachtRequestOptionKeys.IsIdempotent, out var idempotent) ? idempotent : null);
    }
}
