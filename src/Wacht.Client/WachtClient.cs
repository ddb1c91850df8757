using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using Wacht.Client.Serialization;

namespace Wacht.Client;

/// <summary>The <see cref="IWachtClient"/> of one deployment. Obtain it from <see cref="IWachtClientFactory"/>.</summary>
internal sealed class WachtClient : IWachtClient
{
    /// <summary>The largest logo createOAuthApp accepts from the caller.</summary>
    internal const int MaxLogoBytes = 10 * 1024 * 1024;

    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly ProductInfoHeaderValue UserAgent = new(
        "Wacht.Client",
        typeof(WachtClient).Assembly.GetName().Version?.ToString(3) ?? "1.0.0");

    private static readonly WachtJsonContext Json = WachtJsonContext.Default;

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly WachtApiKeyProviderRegistry _apiKeys;
    private readonly WachtCircuitStateRegistry _circuits;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly WachtRequestRoot _root;
    private readonly ClientSecretChecker _secretChecker;

    public WachtClient(
        string deploymentId,
        WachtDeploymentOptions options,
        IHttpClientFactory httpClientFactory,
        WachtApiKeyProviderRegistry apiKeys,
        WachtCircuitStateRegistry circuits,
        TimeProvider timeProvider,
        ILogger logger)
    {
        DeploymentId = deploymentId;
        _httpClientFactory = httpClientFactory;
        _apiKeys = apiKeys;
        _circuits = circuits;
        _timeProvider = timeProvider;
        _logger = logger;
        _root = WachtRequestRoot.For(options.BaseUrl, options.PathStyle, deploymentId);
        _secretChecker = new ClientSecretChecker(deploymentId, $"Deployments:{deploymentId}", options, httpClientFactory, timeProvider, logger);
    }

    public string DeploymentId { get; }

    public Task<IReadOnlyList<OAuthApp>> ListOAuthAppsAsync(CancellationToken ct = default) =>
        SendAsync(RequestPath(WachtOperations.ListOAuthApps), HttpMethod.Get, null,
            static body => WachtResponseReader.ReadList(body, "apps", Json.IReadOnlyListOAuthApp), ct);

    public async Task<OAuthApp> CreateOAuthAppAsync(CreateOAuthAppRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = RequestPath(WachtOperations.CreateOAuthApp);
        // The slug is a form field here, but every later call carries it in its path: an app that could never be
        // addressed must not be created.
        path.CheckSegment(request.Slug, "request.Slug");
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Name, "request.Name");
        if (request.Logo is { } logo)
        {
            ArgumentNullException.ThrowIfNull(logo.Content, "request.Logo.Content");
            ArgumentException.ThrowIfNullOrWhiteSpace(logo.FileName, "request.Logo.FileName");
            ArgumentException.ThrowIfNullOrWhiteSpace(logo.ContentType, "request.Logo.ContentType");
            if (!MediaTypeHeaderValue.TryParse(logo.ContentType, out _))
            {
                throw new ArgumentException($"'{logo.ContentType}' is not a valid media type.", "request.Logo.ContentType");
            }

            if (!logo.Content.CanRead)
            {
                throw new ArgumentException("The logo stream is not readable.", "request.Logo.Content");
            }
        }

        var content = await BuildCreateAppContentAsync(request, ct).ConfigureAwait(false);
        return await SendAsync(path, HttpMethod.Post, content,
            static body => WachtResponseReader.ReadObject(body, Json.OAuthApp), ct).ConfigureAwait(false);
    }

    public Task<OAuthApp> UpdateOAuthAppAsync(string appSlug, UpdateOAuthAppRequest request, CancellationToken ct = default)
    {
        var path = AppPath(WachtOperations.UpdateOAuthApp, appSlug);
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(path, HttpMethod.Patch, JsonBody(request, Json.UpdateOAuthAppRequest),
            static body => WachtResponseReader.ReadObject(body, Json.OAuthApp), ct);
    }

    public Task<DomainVerification> VerifyOAuthAppDomainAsync(string appSlug, CancellationToken ct = default) =>
        SendAsync(AppPath(WachtOperations.VerifyOAuthAppDomain, appSlug).Literal("verify-domain"), HttpMethod.Post, null,
            static body => WachtResponseReader.ReadObject(body, Json.DomainVerification), ct);

    public Task<OAuthApp> UpdateOAuthScopeAsync(string appSlug, string scope, UpdateOAuthScopeRequest request, CancellationToken ct = default)
    {
        var path = ScopePath(WachtOperations.UpdateOAuthScope, appSlug, scope);
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(path, HttpMethod.Patch, JsonBody(request, Json.UpdateOAuthScopeRequest),
            static body => WachtResponseReader.ReadObject(body, Json.OAuthApp), ct);
    }

    public Task<OAuthApp> ArchiveOAuthScopeAsync(string appSlug, string scope, CancellationToken ct = default) =>
        SendAsync(ScopePath(WachtOperations.ArchiveOAuthScope, appSlug, scope).Literal("archive"), HttpMethod.Post, null,
            static body => WachtResponseReader.ReadObject(body, Json.OAuthApp), ct);

    public Task<OAuthApp> UnarchiveOAuthScopeAsync(string appSlug, string scope, CancellationToken ct = default) =>
        SendAsync(ScopePath(WachtOperations.UnarchiveOAuthScope, appSlug, scope).Literal("unarchive"), HttpMethod.Post, null,
            static body => WachtResponseReader.ReadObject(body, Json.OAuthApp), ct);

    public Task<OAuthApp> SetOAuthScopeMappingAsync(string appSlug, string scope, SetOAuthScopeMappingRequest request, CancellationToken ct = default)
    {
        var path = ScopePath(WachtOperations.SetOAuthScopeMapping, appSlug, scope).Literal("mapping");
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Category, "request.Category");
        return SendAsync(path, HttpMethod.Post, JsonBody(request, Json.SetOAuthScopeMappingRequest),
            static body => WachtResponseReader.ReadObject(body, Json.OAuthApp), ct);
    }

    public Task<IReadOnlyList<OAuthClient>> ListOAuthClientsAsync(string appSlug, CancellationToken ct = default) =>
        SendAsync(AppPath(WachtOperations.ListOAuthClients, appSlug).Literal("clients"), HttpMethod.Get, null,
            static body => WachtResponseReader.ReadList(body, "clients", Json.IReadOnlyListOAuthClient), ct);

    public Task<CreatedOAuthClient> CreateOAuthClientAsync(string appSlug, CreateOAuthClientRequest request, CancellationToken ct = default)
    {
        var path = AppPath(WachtOperations.CreateOAuthClient, appSlug).Literal("clients");
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.ClientAuthMethod, "request.ClientAuthMethod");
        ArgumentNullException.ThrowIfNull(request.GrantTypes, "request.GrantTypes");
        return SendAsync(path, HttpMethod.Post, JsonBody(request, Json.CreateOAuthClientRequest),
            static body => WachtResponseReader.ReadObject(body, Json.CreatedOAuthClient), ct);
    }

    public Task<OAuthClient> UpdateOAuthClientAsync(string appSlug, string oauthClientId, UpdateOAuthClientRequest request, CancellationToken ct = default)
    {
        var path = ClientPath(WachtOperations.UpdateOAuthClient, appSlug, oauthClientId);
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(path, HttpMethod.Patch, JsonBody(request, Json.UpdateOAuthClientRequest),
            static body => WachtResponseReader.ReadObject(body, Json.OAuthClient), ct);
    }

    public Task DeactivateOAuthClientAsync(string appSlug, string oauthClientId, CancellationToken ct = default) =>
        SendAsync(ClientPath(WachtOperations.DeactivateOAuthClient, appSlug, oauthClientId), HttpMethod.Delete, null, IgnoreBody, ct);

    public Task<RotatedClientSecret> RotateOAuthClientSecretAsync(string appSlug, string oauthClientId, CancellationToken ct = default) =>
        SendAsync(ClientPath(WachtOperations.RotateOAuthClientSecret, appSlug, oauthClientId).Literal("rotate-secret"), HttpMethod.Post, null,
            static body =>
            {
                var rotated = WachtResponseReader.ReadObject(body, Json.RotatedClientSecret);
                return rotated.ClientSecret is null
                    ? throw new JsonException("The body has no client_secret; the old secret is already invalid.")
                    : rotated;
            },
            ct);

    public Task<IReadOnlyList<OAuthGrant>> ListOAuthGrantsAsync(string appSlug, string oauthClientId, CancellationToken ct = default) =>
        SendAsync(ClientPath(WachtOperations.ListOAuthGrants, appSlug, oauthClientId).Literal("grants"), HttpMethod.Get, null,
            static body => WachtResponseReader.ReadList(body, "grants", OAuthGrantJsonConverter.ListTypeInfo), ct);

    public Task RevokeOAuthGrantAsync(string appSlug, string oauthClientId, string grantId, CancellationToken ct = default)
    {
        var path = ClientPath(WachtOperations.RevokeOAuthGrant, appSlug, oauthClientId)
            .Literal("grants").RecordId(grantId, nameof(grantId)).Literal("revoke");
        return SendAsync(path, HttpMethod.Post, null, IgnoreBody, ct);
    }

    public Task<IReadOnlyList<SigningKey>> ListOAuthAppSigningKeysAsync(string appSlug, CancellationToken ct = default) =>
        SendAsync(AppPath(WachtOperations.ListOAuthAppSigningKeys, appSlug).Literal("signing-keys"), HttpMethod.Get, null,
            static body => WachtResponseReader.ReadList(body, "keys", Json.IReadOnlyListSigningKey), ct);

    public Task<SigningKey> RotateOAuthAppSigningKeyAsync(string appSlug, CancellationToken ct = default) =>
        SendAsync(AppPath(WachtOperations.RotateOAuthAppSigningKey, appSlug).Literal("signing-keys").Literal("rotate"), HttpMethod.Post, null,
            static body => WachtResponseReader.ReadNestedObject(body, "new", Json.SigningKey), ct);

    public Task CompromiseOAuthAppSigningKeyAsync(string appSlug, string kid, CancellationToken ct = default)
    {
        var path = AppPath(WachtOperations.CompromiseOAuthAppSigningKey, appSlug)
            .Literal("signing-keys").Argument(kid, nameof(kid)).Literal("compromise");
        return SendAsync(path, HttpMethod.Post, null, IgnoreBody, ct);
    }

    public Task<SecretCheck> CheckClientSecretAsync(string appFqdn, string clientId, string clientAuthMethod, ClientSecret secret, CancellationToken cancellationToken = default) =>
        _secretChecker.CheckAsync(appFqdn, clientId, clientAuthMethod, signingAlgorithm: null, secret, cancellationToken);

    public Task<SecretCheck> CheckClientSecretAsync(string appFqdn, OAuthClient client, ClientSecret secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return _secretChecker.CheckAsync(appFqdn, client.ClientId, client.ClientAuthMethod, client.TokenEndpointAuthSigningAlg, secret, cancellationToken);
    }

    private static bool IgnoreBody(ReadOnlyMemory<byte> body) => true;

    private WachtRequestPath RequestPath(WachtOperation operation) => WachtRequestPath.For(operation, DeploymentId);

    private WachtRequestPath AppPath(WachtOperation operation, string appSlug) =>
        RequestPath(operation).Argument(appSlug, nameof(appSlug));

    private WachtRequestPath ScopePath(WachtOperation operation, string appSlug, string scope) =>
        AppPath(operation, appSlug).Literal("scopes").Argument(scope, nameof(scope));

    /// <summary>Path ids are 64-bit record ids in decimal (for clients: the record id, NOT the public client_id).</summary>
    private WachtRequestPath ClientPath(WachtOperation operation, string appSlug, string oauthClientId) =>
        AppPath(operation, appSlug).Literal("clients").RecordId(oauthClientId, nameof(oauthClientId));

    private static ByteArrayContent JsonBody<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static async Task<HttpContent> BuildCreateAppContentAsync(CreateOAuthAppRequest request, CancellationToken ct)
    {
        byte[]? logoBytes = null;
        if (request.Logo is { } logo)
        {
            logoBytes = await ReadLogoAsync(logo.Content, ct).ConfigureAwait(false);
        }

        var form = new MultipartFormDataContent();
        AddField(form, "slug", request.Slug);
        AddField(form, "name", request.Name);
        if (!string.IsNullOrEmpty(request.Description))
        {
            AddField(form, "description", request.Description);
        }

        if (!string.IsNullOrEmpty(request.Fqdn))
        {
            AddField(form, "fqdn", request.Fqdn);
        }

        if (request.SupportedScopes is { Count: > 0 } scopes)
        {
            AddField(form, "supported_scopes", string.Join(",", scopes));
        }

        if (request.ScopeDefinitions is { Count: > 0 } definitions)
        {
            AddField(form, "scope_definitions", JsonSerializer.Serialize(definitions, Json.IReadOnlyListScopeDefinition));
        }

        if (request.AllowDynamicClientRegistration is { } allow)
        {
            AddField(form, "allow_dynamic_client_registration", allow ? "true" : "false");
        }

        if (request.Logo is { } file && logoBytes is not null)
        {
            var part = new ByteArrayContent(logoBytes);
            part.Headers.ContentType = MediaTypeHeaderValue.Parse(file.ContentType);
            part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data")
            {
                Name = Quote("logo"),
                FileName = Quote(SafeFileName(file.FileName)),
            };
            form.Add(part);
        }

        return form;
    }

    private static void AddField(MultipartFormDataContent form, string name, string value)
    {
        // Like a browser's FormData: a quoted name and no Content-Type on text fields.
        var part = new ByteArrayContent(Encoding.UTF8.GetBytes(value));
        part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = Quote(name) };
        form.Add(part);
    }

    private static string Quote(string value) => "\"" + value + "\"";

    private static string SafeFileName(string fileName)
    {
        var builder = new StringBuilder(fileName.Length);
        foreach (var c in Path.GetFileName(fileName.Trim()))
        {
            builder.Append(c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '_');
        }

        return builder.Length == 0 ? "logo" : builder.ToString();
    }

    private static async Task<byte[]> ReadLogoAsync(Stream stream, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxLogoBytes)
            {
                throw new ArgumentException($"The logo exceeds {MaxLogoBytes / (1024 * 1024)} MiB.", "request.Logo.Content");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private async Task<T> SendAsync<T>(
        WachtRequestPath path,
        HttpMethod method,
        HttpContent? content,
        Func<ReadOnlyMemory<byte>, T> parse,
        CancellationToken ct)
    {
        // Built (and checked) before anything else: a path that is not the intended one is never sent.
        var uri = path.ToUri(_root);
        var operation = path.Operation;
        if (content is null && !operation.IsIdempotent)
        {
            // SocketsHttpHandler silently re-sends a body-less request on a new connection when the server closes a
            // reused connection without answering (dotnet/runtime#86714), which would repeat e.g. a rotation. With a
            // body (even an empty one) it does not, so non-idempotent calls always carry one.
            content = new ByteArrayContent([]);
        }

        using var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Accept.Add(AcceptJson);
        request.Headers.UserAgent.Add(UserAgent);
        var state = new WachtRequestState(DeploymentId, operation);
        state.Attach(request);

        // A resilience context of our own names the operation in Polly's logs and metrics (its operation key).
        var resilienceContext = ResilienceContextPool.Shared.Get(operation.Name, ct);
        request.SetResilienceContext(resilienceContext);

        HttpResponseMessage response;
        try
        {
            var http = _httpClientFactory.CreateClient(WachtServiceCollectionExtensions.HttpClientName);
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ct.IsCancellationRequested)
        {
            // Caller cancellation always wins, whatever the pipeline was doing at that moment.
            if (!operation.IsIdempotent && state.MayHaveReachedServer)
            {
                Log.CancelledAfterSend(_logger, operation.Name, DeploymentId);
            }

            if (ex is OperationCanceledException)
            {
                throw;
            }

            throw new OperationCanceledException("The caller cancelled the Wacht call.", ex, ct);
        }
        catch (Exception ex)
        {
            var mapped = MapTransportFailure(operation, state, ex);
            if (mapped is null)
            {
                throw;
            }

            Report(mapped);
            throw mapped;
        }
        finally
        {
            request.SetResilienceContext(null);
            ResilienceContextPool.Shared.Return(resilienceContext);
        }

        using (response)
        {
            byte[] body;
            try
            {
                body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !ct.IsCancellationRequested)
            {
                var mapped = MapTransportFailure(operation, state, ex)!;
                Report(mapped);
                throw mapped;
            }

            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return parse(body);
                }
                catch (JsonException ex)
                {
                    var mapped = new WachtResponseFormatException(DeploymentId, operation.Name, response.StatusCode, Sanitize(ex.Message), ex);
                    Report(mapped);
                    throw mapped;
                }
            }

            if (operation == WachtOperations.DeactivateOAuthClient
                && response.StatusCode == HttpStatusCode.NotFound
                && state.PossiblySentAttempts > 1)
            {
                Log.DeactivateRetriedNotFound(_logger, DeploymentId, state.Attempts);
                return parse(ReadOnlyMemory<byte>.Empty);
            }

            var error = MapErrorResponse(operation, response, body);
            Report(error);
            throw error;
        }
    }

    private WachtException MapErrorResponse(WachtOperation operation, HttpResponseMessage response, byte[] body)
    {
        var serverMessage = ServerMessageReader.Read(body) is { } message ? Sanitize(message) : null;
        var retryAfter = RetryAfterParser.Get(response, _timeProvider);
        if (!operation.IsIdempotent && WachtStatusCodes.MayHaveBeenProcessed(response.StatusCode))
        {
            return new WachtOutcomeUnknownException(
                DeploymentId, operation.Name, $"the server answered HTTP {(int)response.StatusCode}", response.StatusCode, serverMessage);
        }

        return WachtExceptionFactory.FromStatus(DeploymentId, operation.Name, response.StatusCode, serverMessage, retryAfter);
    }

    private WachtException? MapTransportFailure(WachtOperation operation, WachtRequestState state, Exception exception)
    {
        string detail;
        switch (exception)
        {
            case WachtException:
                return null;
            case BrokenCircuitException:
                return new WachtCircuitOpenException(DeploymentId, operation.Name, _circuits.RemainingBreak(DeploymentId), exception);
            case RateLimiterRejectedException:
                return new WachtTransportException(
                    DeploymentId,
                    operation.Name,
                    "the client-side concurrency or rate-limit queue of the deployment is full; the request was not sent",
                    requestMayHaveBeenSent: false,
                    exception);
            case TimeoutRejectedException timeout:
                detail = $"no complete response within {timeout.Timeout}";
                break;
            case HttpRequestException http:
                detail = http.HttpRequestError == HttpRequestError.Unknown
                    ? $"network failure: {Sanitize(http.Message)}"
                    : $"network failure ({http.HttpRequestError}): {Sanitize(http.Message)}";
                break;
            case IOException io:
                detail = $"network failure: {Sanitize(io.Message)}";
                break;
            case OperationCanceledException:
                detail = "the request was cancelled before a complete response arrived";
                break;
            default:
                return null;
        }

        var mayHaveReachedServer = state.MayHaveReachedServer;
        if (!operation.IsIdempotent && mayHaveReachedServer)
        {
            return new WachtOutcomeUnknownException(DeploymentId, operation.Name, detail, innerException: exception);
        }

        return new WachtTransportException(DeploymentId, operation.Name, detail, mayHaveReachedServer, exception);
    }

    private void Report(WachtException exception)
    {
        switch (exception)
        {
            case WachtOutcomeUnknownException unknown:
                Log.OutcomeUnknown(_logger, unknown.Operation, DeploymentId, unknown.Reason);
                break;
            case WachtCircuitOpenException:
                Log.CircuitRejected(_logger, exception.Operation, DeploymentId);
                break;
            default:
                Log.RequestFailed(_logger, exception.Operation, DeploymentId, exception.GetType().Name, (int?)exception.StatusCode ?? 0, exception.IsTransient);
                break;
        }
    }

    private string Sanitize(string text) => SecretRedactor.Redact(text, _apiKeys.LastKnownKey(DeploymentId));
}
