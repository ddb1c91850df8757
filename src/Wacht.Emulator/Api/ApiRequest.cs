using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Net.Http.Headers;

namespace Wacht.Emulator;

/// <summary>One authenticated API request with its buffered body.</summary>
internal sealed class ApiRequest(HttpContext http, EmulatorRuntime runtime, StateData data, DeploymentState deployment, byte[] body)
{
    public HttpContext Http { get; } = http;

    public EmulatorRuntime Runtime { get; } = runtime;

    public StateData Data { get; } = data;

    public DeploymentState Deployment { get; } = deployment;

    public byte[] Body { get; } = body;

    public DateTimeOffset Now => Runtime.State.Now;

    public string Slug => RouteString("slug");

    /// <summary>The path scope (the router has already URL-decoded it, except <c>%2F</c>).</summary>
    public string Scope => ScopeRules.NormalizePathScope(RouteString("scope").Replace("%2F", "/", StringComparison.OrdinalIgnoreCase));

    public string RouteString(string name) => Http.GetRouteValue(name) as string ?? "";

    /// <summary>A numeric path id; like axum's Path&lt;i64&gt; a non-number is a 400.</summary>
    public long RouteId(string name)
    {
        var text = RouteString(name);
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw EmulatorApiException.BadRequest($"Invalid URL: Cannot parse `{text}` to a `i64`");
    }

    /// <summary>
    /// Reads a JSON body like axum's Json extractor: wrong content type is 415, a syntax or shape
    /// error is 400 (the platform reports validation as 400; axum's own 422 is folded into it).
    /// </summary>
    public T ReadJson<T>(JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (!IsJsonContentType(Http.Request.ContentType))
        {
            throw new EmulatorApiException(StatusCodes.Status415UnsupportedMediaType, "Expected request with `Content-Type: application/json`");
        }

        if (Body.Length == 0)
        {
            throw EmulatorApiException.BadRequest("Failed to parse the request body as JSON: EOF while parsing a value at line 1 column 0");
        }

        try
        {
            return JsonSerializer.Deserialize(Body, typeInfo)
                ?? throw EmulatorApiException.BadRequest("Failed to deserialize the JSON body into the target type: invalid type: null, expected a map");
        }
        catch (JsonException ex)
        {
            throw EmulatorApiException.BadRequest($"Failed to parse the request body as JSON: {ex.Message}");
        }
    }

    private static bool IsJsonContentType(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var type = media.MediaType.Value ?? "";
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
