using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.WebUtilities;

namespace Wacht.Emulator;

/// <summary>A fully computed response, written (or deliberately lost) by the pipeline.</summary>
internal sealed class ApiResult
{
    private ApiResult(int status, byte[]? payload, int? retryAfterSeconds = null, string? wwwAuthenticate = null)
    {
        Status = status;
        Payload = payload;
        RetryAfterSeconds = retryAfterSeconds;
        WwwAuthenticate = wwwAuthenticate;
    }

    public int Status { get; }

    public byte[]? Payload { get; }

    public int? RetryAfterSeconds { get; }

    public string? WwwAuthenticate { get; }

    public static ApiResult Json<T>(T value, JsonTypeInfo<T> typeInfo, int status = StatusCodes.Status200OK) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));

    public static ApiResult RawJson(string json) => new(StatusCodes.Status200OK, System.Text.Encoding.UTF8.GetBytes(json));

    public static ApiResult NoContent() => new(StatusCodes.Status204NoContent, null);

    /// <summary>The contract's error envelope: <c>{"errors":[{"message":"...","code":status}]}</c>.</summary>
    public static ApiResult Error(int status, string? message = null, int? retryAfterSeconds = null) =>
        new(
            status,
            JsonSerializer.SerializeToUtf8Bytes(
                new WireErrorEnvelope([new WireError(message ?? DefaultMessage(status), status)]),
                ApiJsonContext.Default.WireErrorEnvelope),
            retryAfterSeconds);

    /// <summary>
    /// The OAuth error form of the runtime endpoints: <c>{"error","error_description"?}</c>; a 401 carries
    /// <c>WWW-Authenticate: Basic realm="oauth", error="..."</c> as on the platform.
    /// </summary>
    public static ApiResult OAuthError(int status, string error, string? description = null, int? retryAfterSeconds = null) =>
        new(
            status,
            JsonSerializer.SerializeToUtf8Bytes(new WireOAuthError(error, description), ApiJsonContext.Default.WireOAuthError),
            retryAfterSeconds,
            status == StatusCodes.Status401Unauthorized ? $"Basic realm=\"oauth\", error=\"{error}\"" : null);

    /// <summary>The platform's messages for statuses that have one; the reason phrase otherwise.</summary>
    public static string DefaultMessage(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "Bad request",
        StatusCodes.Status401Unauthorized => "Unauthorized",
        StatusCodes.Status403Forbidden => "Forbidden",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status409Conflict => "Resource already exists",
        StatusCodes.Status429TooManyRequests => "Too many requests",
        StatusCodes.Status500InternalServerError => "Something went wrong",
        StatusCodes.Status502BadGateway => "Bad gateway",
        StatusCodes.Status503ServiceUnavailable => "Service unavailable",
        StatusCodes.Status504GatewayTimeout => "Operation timed out",
        _ => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error",
    };

    public async Task WriteAsync(HttpContext http)
    {
        var response = http.Response;
        response.StatusCode = Status;
        if (RetryAfterSeconds is { } retryAfter)
        {
            response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (WwwAuthenticate is not null)
        {
            response.Headers.WWWAuthenticate = WwwAuthenticate;
        }

        if (Payload is null)
        {
            return;
        }

        response.ContentType = "application/json";
        response.ContentLength = Payload.Length;
        await response.Body.WriteAsync(Payload, CancellationToken.None);
    }
}
