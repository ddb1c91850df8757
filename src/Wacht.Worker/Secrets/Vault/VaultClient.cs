using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Wacht.Worker.Secrets.Http;

namespace Wacht.Worker.Secrets.Vault;

/// <summary>
/// The few Vault HTTP API endpoints the destination needs, written by hand because no Vault SDK is served here
/// (VaultSharp is not): KV v2 read and check-and-set write, <c>sys/capabilities-self</c>, and the AppRole and
/// Kubernetes logins (<see cref="VaultAuthenticator"/>). Every call has its own timeout and the caller's cancellation;
/// reads, logins and the capabilities check are retried on transient failures by the resilience handler, a write never
/// (its outcome would be unknown: the destination reads again and decides again). A 403 is answered once by logging in
/// again (or re-reading the token) and sending the request again. Failures are <see cref="SecretDestinationException"/>s
/// whose messages carry the status and Vault's own error words (which name paths, never data), never a body or a token.
/// </summary>
internal sealed class VaultClient
{
    /// <summary>The named HTTP client (registered by <see cref="VaultDestinationKind"/>).</summary>
    public const string HttpClientName = "Wacht.Worker.Secrets.Vault";

    private const string CasMismatch = "check-and-set parameter did not match the current version";

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly Uri _address;
    private readonly string? _namespace;
    private readonly TimeSpan _timeout;
    private readonly string _destination;

    public VaultClient(string destination, VaultDestinationOptions options, IHttpClientFactory httpClientFactory, VaultAuthenticator authenticator)
    {
        _destination = destination;
        _httpClientFactory = httpClientFactory;
        _address = new Uri(options.Address!.TrimEnd('/') + "/", UriKind.Absolute);
        _namespace = string.IsNullOrWhiteSpace(options.Namespace) ? null : options.Namespace.Trim();
        _timeout = options.RequestTimeout;
        Authenticator = authenticator;
    }

    public VaultAuthenticator Authenticator { get; }

    /// <summary>
    /// <c>GET /v1/{mount}/data/{path}</c>: the latest version and its data (null when that version is deleted or
    /// destroyed); version 0 and no data when the secret never existed.
    /// </summary>
    public async Task<VaultVersion> ReadAsync(string mount, string path, CancellationToken cancellationToken)
    {
        var response = await SendAsync($"read {mount}/{path}", HttpMethod.Get, $"v1/{mount}/data/{path}", null, retrySafe: true, authenticated: true, cancellationToken);
        if (response.Status == HttpStatusCode.NotFound)
        {
            // A deleted latest version answers 404 with its metadata (the version a check-and-set must name); a path
            // that never existed answers 404 with {"errors":[]}.
            var deleted = Parse(response.Body)?["data"]?["metadata"]?["version"];
            return new VaultVersion(deleted is null ? 0 : deleted.GetValue<int>(), null);
        }

        EnsureSuccess(response, $"read {mount}/{path}");
        var document = Parse(response.Body);
        var version = document?["data"]?["metadata"]?["version"]?.GetValue<int>()
            ?? throw Failure(SecretDestinationFailure.Invalid, $"read {mount}/{path}", "the answer has no data.metadata.version (is the mount KV version 2?)");
        return new VaultVersion(version, document!["data"]?["data"] as JsonObject);
    }

    /// <summary>
    /// <c>POST /v1/{mount}/data/{path}</c> with <c>options.cas</c> = <paramref name="cas"/>: the new version, or null when
    /// the check-and-set did not match (someone wrote in between).
    /// </summary>
    public async Task<int?> WriteAsync(string mount, string path, int cas, JsonObject data, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["options"] = new JsonObject { ["cas"] = cas }, ["data"] = data };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        try
        {
            var what = $"write {mount}/{path}";
            var response = await SendAsync(what, HttpMethod.Post, $"v1/{mount}/data/{path}", bytes, retrySafe: false, authenticated: true, cancellationToken);
            if (response.Status == HttpStatusCode.BadRequest && Errors(response.Body).Any(e => e.Contains(CasMismatch, StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }

            EnsureSuccess(response, what);
            return Parse(response.Body)?["data"]?["version"]?.GetValue<int>()
                ?? throw Failure(SecretDestinationFailure.Invalid, what, "the answer has no data.version");
        }
        finally
        {
            Array.Clear(bytes); // held the secret
        }
    }

    /// <summary><c>POST /v1/sys/capabilities-self</c>: the worker token's capabilities on <paramref name="apiPath"/>.</summary>
    public async Task<IReadOnlyList<string>> CapabilitiesAsync(string apiPath, CancellationToken cancellationToken)
    {
        var what = $"check its capabilities on {apiPath}";
        var body = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["paths"] = new JsonArray(apiPath) });
        var response = await SendAsync(what, HttpMethod.Post, "v1/sys/capabilities-self", body, retrySafe: true, authenticated: true, cancellationToken);
        EnsureSuccess(response, what);
        var document = Parse(response.Body);
        var capabilities = (document?[apiPath] ?? document?["data"]?[apiPath] ?? document?["capabilities"]) as JsonArray;
        return capabilities?.Select(c => c?.GetValue<string>() ?? "").ToList()
            ?? throw Failure(SecretDestinationFailure.Invalid, what, "the answer lists no capabilities");
    }

    /// <summary><c>POST /v1/auth/{mount}/login</c>: the client token and how long it lives (zero: no expiry).</summary>
    public async Task<(string Token, TimeSpan Lease)> LoginAsync(string mount, JsonObject credentials, CancellationToken cancellationToken)
    {
        var what = $"log in (auth/{mount})";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(credentials);
        try
        {
            var response = await SendAsync(what, HttpMethod.Post, $"v1/auth/{mount}/login", bytes, retrySafe: true, authenticated: false, cancellationToken);
            if (response.Status == HttpStatusCode.BadRequest)
            {
                // Vault answers a wrong role id, secret id or JWT with 400 ("invalid role or secret ID", "permission denied").
                throw Failure(SecretDestinationFailure.Forbidden, what, $"HTTP 400 {ErrorText(response.Body)}");
            }

            EnsureSuccess(response, what);
            var auth = Parse(response.Body)?["auth"];
            var token = auth?["client_token"]?.GetValue<string>();
            if (string.IsNullOrEmpty(token))
            {
                throw Failure(SecretDestinationFailure.Invalid, what, "the answer has no auth.client_token");
            }

            var lease = auth!["lease_duration"]?.GetValue<long>() ?? 0;
            return (token, TimeSpan.FromSeconds(lease));
        }
        finally
        {
            Array.Clear(bytes);
        }
    }

    private async Task<Response> SendAsync(string what, HttpMethod method, string relative, byte[]? body, bool retrySafe, bool authenticated, CancellationToken cancellationToken)
    {
        var token = authenticated ? await Authenticator.TokenAsync(this, refresh: false, cancellationToken) : null;
        var response = await SendOnceAsync(what, method, relative, body, retrySafe, token, cancellationToken);
        if (authenticated && response.Status == HttpStatusCode.Forbidden && Authenticator.CanRefresh)
        {
            // The token may have expired or been revoked (Vault answers 403 either way): log in again, or read the token
            // source again, once. A 403 wrote nothing, so sending a write again is safe.
            var fresh = await Authenticator.TokenAsync(this, refresh: true, cancellationToken);
            if (!string.Equals(fresh, token, StringComparison.Ordinal))
            {
                response = await SendOnceAsync(what, method, relative, body, retrySafe, fresh, cancellationToken);
            }
        }

        return response;
    }

    private async Task<Response> SendOnceAsync(string what, HttpMethod method, string relative, byte[]? body, bool retrySafe, string? token, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        using var request = new HttpRequestMessage(method, new Uri(_address, relative));
        request.Options.Set(DestinationHttp.RetrySafe, retrySafe);
        if (token is not null)
        {
            request.Headers.Add("X-Vault-Token", token);
        }

        if (_namespace is not null)
        {
            request.Headers.Add("X-Vault-Namespace", _namespace);
        }

        request.Headers.Add("X-Vault-Request", "true");
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        try
        {
            using var client = _httpClientFactory.CreateClient(HttpClientName);
            client.Timeout = Timeout.InfiniteTimeSpan; // our own timeout above, and the resilience handler's
            using var response = await client.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            return new Response(response.StatusCode, text);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(SecretDestinationFailure.Unreachable, what, $"Vault did not answer within {_timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (TimeoutRejectedException)
        {
            throw Failure(SecretDestinationFailure.Unreachable, what, "Vault did not answer in time");
        }
        catch (BrokenCircuitException)
        {
            throw Failure(SecretDestinationFailure.Unreachable, what, "Vault failed too often recently (circuit open); try again later");
        }
        catch (HttpRequestException ex)
        {
            throw Failure(SecretDestinationFailure.Unreachable, what, $"Vault could not be reached ({ex.HttpRequestError})");
        }
    }

    private void EnsureSuccess(Response response, string what)
    {
        if ((int)response.Status is >= 200 and < 300)
        {
            return;
        }

        var reason = response.Status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => SecretDestinationFailure.Forbidden,
            HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError => SecretDestinationFailure.Unreachable,
            _ => SecretDestinationFailure.Invalid,
        };
        throw Failure(reason, what, $"HTTP {(int)response.Status} {ErrorText(response.Body)}".TrimEnd());
    }

    private SecretDestinationException Failure(SecretDestinationFailure reason, string what, string detail) =>
        new(reason, $"Vault destination '{_destination}' could not {what}: {detail}.");

    /// <summary>Vault's <c>errors</c> array, cut short and printable (Vault's errors name paths and policies, never data).</summary>
    private static string ErrorText(string body)
    {
        var errors = Errors(body).Where(e => e.Length > 0).ToList();
        if (errors.Count == 0)
        {
            return "";
        }

        var text = string.Join("; ", errors);
        return $"({DestinationHttp.Printable(text)})";
    }

    private static IEnumerable<string> Errors(string body) =>
        (Parse(body)?["errors"] as JsonArray)?.Select(e => e is JsonValue v && v.TryGetValue<string>(out var s) ? s : "") ?? [];

    private static JsonNode? Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Response(HttpStatusCode Status, string Body);
}

/// <summary>A KV v2 secret's latest version number (0: never written) and its data (null: none, deleted or destroyed).</summary>
internal sealed record VaultVersion(int Version, JsonObject? Data);
