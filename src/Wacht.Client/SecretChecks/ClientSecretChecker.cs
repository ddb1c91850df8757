using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Wacht.Client;

/// <summary>
/// Checks whether Wacht accepts a client secret, through the app's runtime endpoint <c>POST /oauth/introspect</c> on
/// the app's host (contract: "Checking that a client secret works"): the client authenticates as its auth method says
/// with a random, unknown token; 200 means the secret is the current one, 401 <c>invalid_client</c> that it is not.
/// Introspect has no side effect, so transient failures are retried (bounded by the deployment's MaxRetries,
/// RequestTimeout and TotalTimeout). Every attempt is a new request (a <c>client_secret_jwt</c> assertion gets a fresh
/// jti, since the platform refuses a replayed one), which is why the retry loop lives here and not in an HTTP handler.
/// </summary>
internal sealed class ClientSecretChecker
{
    internal const string Operation = "checkClientSecret";
    internal const string IntrospectPath = "/oauth/introspect";
    private const long MaxResponseBytes = 64 * 1024;

    private static readonly ResiliencePropertyKey<Attempt> AttemptKey = new("Wacht.SecretCheck");

    private static readonly ProductInfoHeaderValue UserAgent = new(
        "Wacht.Client",
        typeof(ClientSecretChecker).Assembly.GetName().Version?.ToString(3) ?? "1.0.0");

    private readonly string _deploymentId;
    private readonly string _settingPath;
    private readonly RuntimeEndpoint? _endpoint;
    private readonly string? _endpointProblem;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public ClientSecretChecker(
        string deploymentId,
        string settingPath,
        WachtDeploymentOptions options,
        IHttpClientFactory httpClientFactory,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _deploymentId = deploymentId;
        _settingPath = settingPath;
        _endpoint = RuntimeEndpoint.Parse(options.RuntimeBaseUrl, out _endpointProblem);
        _httpClientFactory = httpClientFactory;
        _timeProvider = timeProvider;
        _logger = logger;
        _pipeline = BuildPipeline(options, timeProvider);
    }

    public async Task<SecretCheck> CheckAsync(
        string appFqdn, string clientId, string clientAuthMethod, string? signingAlgorithm, ClientSecret secret, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appFqdn);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientAuthMethod);
        ArgumentNullException.ThrowIfNull(secret);
        if (clientAuthMethod is ClientAuthMethods.None or ClientAuthMethods.PrivateKeyJwt)
        {
            return SecretCheck.NotApplicable;
        }

        if (!ClientAuthMethods.UsesSecret(clientAuthMethod))
        {
            throw new ArgumentException($"'{clientAuthMethod}' is not a client_auth_method the client knows how to authenticate with.", nameof(clientAuthMethod));
        }

        var host = RuntimeEndpoint.NormalizeHost(appFqdn)
            ?? throw new ArgumentException($"'{Truncate(appFqdn)}' is not a valid app host name (a DNS name such as auth.example.com).", nameof(appFqdn));
        var algorithm = string.IsNullOrWhiteSpace(signingAlgorithm) ? ClientAssertion.DefaultAlgorithm : signingAlgorithm.Trim();
        if (clientAuthMethod == ClientAuthMethods.ClientSecretJwt && !ClientAssertion.IsSupported(algorithm))
        {
            throw new ArgumentException($"'{algorithm}' is not an algorithm for client_secret_jwt (HS256, HS384 or HS512).", nameof(signingAlgorithm));
        }

        if (_endpoint is null)
        {
            throw new WachtConfigurationException(_deploymentId, Operation, $"{_settingPath}:RuntimeBaseUrl: {_endpointProblem}.");
        }

        var attempt = new Attempt(this, host, clientId, clientAuthMethod, algorithm, secret);
        var context = ResilienceContextPool.Shared.Get(Operation, cancellationToken);
        context.Properties.Set(AttemptKey, attempt);
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                static (ctx, state) => state.SendAsync(ctx.CancellationToken), context, attempt).ConfigureAwait(false);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested)
        {
            if (ex is OperationCanceledException)
            {
                throw;
            }

            throw new OperationCanceledException("The caller cancelled the Wacht secret check.", ex, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or HttpRequestException or IOException or OperationCanceledException)
        {
            var detail = ex is TimeoutRejectedException timeout
                ? $"no complete response within {timeout.Timeout}"
                : $"network failure ({ex.GetType().Name}): {attempt.Sanitize(ex.Message)}";
            // The inner exception is kept for diagnosis unless its text holds anything secret (no .NET network error
            // does, but a handler added to the HTTP client might).
            var inner = attempt.Exposes(ex.ToString()) ? null : ex;
            throw Report(attempt, new WachtTransportException(_deploymentId, Operation, detail, requestMayHaveBeenSent: true, inner));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        using (response)
        {
            var result = Interpret(attempt, response, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
            SecretCheckLog.Checked(_logger, clientId, host, _deploymentId, result);
            return result;
        }
    }

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";

    private SecretCheck Interpret(Attempt attempt, HttpResponseMessage response, byte[] body)
    {
        var status = response.StatusCode;
        var (error, description) = ReadOAuthError(body);
        switch ((int)status)
        {
            case 200:
                return IsIntrospectionAnswer(body)
                    ? SecretCheck.Accepted
                    : throw Report(attempt, new WachtResponseFormatException(
                        _deploymentId, Operation, status, "expected an introspection answer {\"active\":...}; is RuntimeBaseUrl pointing at Wacht?"));
            case 401 when error == "invalid_client":
                return SecretCheck.Rejected;
            case 400 when attempt.Method == ClientAuthMethods.ClientSecretJwt
                && error == "invalid_request"
                && description?.StartsWith("Invalid token", StringComparison.Ordinal) == true:
                // The platform answers an assertion its JWT library refuses (e.g. signed with another secret) with
                // 400 "Invalid token: ..." rather than the contract's 401: still a refused secret.
                return SecretCheck.Rejected;
            case 404:
                throw Report(attempt, new WachtAppHostNotFoundException(_deploymentId, Operation, attempt.Host, Message(attempt, error, description)));
            default:
                var message = Message(attempt, error, description) ?? (ServerMessageReader.Read(body) is { } raw ? attempt.Sanitize(raw) : null);
                throw Report(attempt, (int)status == 401
                    ? new WachtApiException(_deploymentId, Operation, status, message)
                    : WachtExceptionFactory.FromStatus(_deploymentId, Operation, status, message, RetryAfterParser.Get(response, _timeProvider)));
        }
    }

    private static string? Message(Attempt attempt, string? error, string? description) =>
        error is null ? null : attempt.Sanitize(description is null ? error : $"{error}: {description}");

    private static bool IsIntrospectionAnswer(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("active", out var active)
                && active.ValueKind is JsonValueKind.True or JsonValueKind.False;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The runtime's error form <c>{"error","error_description"?}</c>; nulls when the body is not that.</summary>
    private static (string? Error, string? Description) ReadOAuthError(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.String)
            {
                return (null, null);
            }

            var description = root.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            return (error.GetString(), description);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private WachtException Report(Attempt attempt, WachtException exception)
    {
        SecretCheckLog.Failed(_logger, attempt.ClientId, attempt.Host, _deploymentId, exception.GetType().Name, (int?)exception.StatusCode ?? 0, exception.IsTransient);
        return exception;
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline(WachtDeploymentOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        builder.AddTimeout(new TimeoutStrategyOptions { Name = "TotalTimeout", Timeout = options.TotalTimeout });
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "Retry",
                MaxRetryAttempts = options.MaxRetries,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, options, timeProvider)),
                DelayGenerator = args =>
                {
                    var delay = args.Outcome.Result is { } response && RetryAfterParser.Get(response, timeProvider) is { } retryAfter
                        ? retryAfter
                        : WachtResiliencePipeline.Backoff(args.AttemptNumber, options.RetryBaseDelay, options.MaxRetryDelay, Random.Shared.NextDouble());
                    return ValueTask.FromResult<TimeSpan?>(delay);
                },
                OnRetry = args =>
                {
                    if (args.Context.Properties.TryGetValue(AttemptKey, out var attempt))
                    {
                        var reason = args.Outcome.Exception is { } exception ? exception.GetType().Name : $"HTTP {(int)args.Outcome.Result!.StatusCode}";
                        SecretCheckLog.RetryScheduled(_logger, attempt.ClientId, attempt.Host, _deploymentId, (long)args.RetryDelay.TotalMilliseconds, args.AttemptNumber + 1, reason);
                    }

                    return default;
                },
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = options.RequestTimeout });
        return builder.Build();
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, WachtDeploymentOptions options, TimeProvider timeProvider)
    {
        if (context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        if (outcome.Exception is { } exception)
        {
            return WachtFailureClassifier.IsTransientException(exception);
        }

        return outcome.Result is { } response
            && WachtStatusCodes.IsTransient(response.StatusCode)
            && !(RetryAfterParser.Get(response, timeProvider) is { } retryAfter && retryAfter > options.MaxRetryAfter);
    }

    /// <summary>One check: builds a fresh request per attempt.</summary>
    private sealed class Attempt(ClientSecretChecker owner, string host, string clientId, string method, string algorithm, ClientSecret secret)
    {
        private readonly List<string> _sensitive = [secret.Reveal()];
        private int _attempts;

        public string Host { get; } = host;

        public string ClientId { get; } = clientId;

        public string Method { get; } = method;

        public async ValueTask<HttpResponseMessage> SendAsync(CancellationToken cancellationToken)
        {
            var number = Interlocked.Increment(ref _attempts);
            using var request = BuildRequest();
            var http = owner._httpClientFactory.CreateClient(WachtServiceCollectionExtensions.RuntimeHttpClientName);
            var started = owner._timeProvider.GetTimestamp();
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            try
            {
                await response.Content.LoadIntoBufferAsync(MaxResponseBytes, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                response.Dispose();
                throw;
            }

            SecretCheckLog.AttemptCompleted(
                owner._logger, ClientId, Host, owner._deploymentId, (int)response.StatusCode, (long)owner._timeProvider.GetElapsedTime(started).TotalMilliseconds, number);
            return response;
        }

        /// <summary>True when <paramref name="text"/> holds the secret or anything derived from it.</summary>
        public bool Exposes(string text) => Sanitize(text) != text;

        /// <summary>Removes the secret and everything derived from it (Basic token, assertion) from text bound for an exception.</summary>
        public string Sanitize(string text)
        {
            lock (_sensitive)
            {
                foreach (var value in _sensitive)
                {
                    text = text.Replace(value, SecretRedactor.Marker, StringComparison.Ordinal);
                }
            }

            return SecretRedactor.Redact(text, apiKey: null);
        }

        private HttpRequestMessage BuildRequest()
        {
            var (uri, hostHeader) = owner._endpoint!.Resolve(Host, IntrospectPath);
            var request = new HttpRequestMessage(HttpMethod.Post, uri);
            if (hostHeader is not null)
            {
                request.Headers.Host = hostHeader;
            }

            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.UserAgent.Add(UserAgent);
            request.Options.Set(WachtRequestOptionKeys.DeploymentId, owner._deploymentId);
            request.Options.Set(WachtRequestOptionKeys.Operation, Operation);
            request.Options.Set(WachtRequestOptionKeys.IsIdempotent, true);

            // A token nobody issued: introspection of it is {"active":false} for an authenticated client, and writes nothing.
            var form = new List<KeyValuePair<string, string>> { new("token", "wacht-secret-check-" + ClientAssertion.NewJti()) };
            switch (Method)
            {
                case ClientAuthMethods.ClientSecretBasic:
                    // RFC 6749 2.3.1: both parts form-urlencoded, then Basic.
                    var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(WebUtility.UrlEncode(ClientId) + ":" + WebUtility.UrlEncode(secret.Reveal())));
                    Remember(token);
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", token);
                    break;
                case ClientAuthMethods.ClientSecretPost:
                    form.Add(new("client_id", ClientId));
                    form.Add(new("client_secret", secret.Reveal()));
                    break;
                default:
                    var audience = $"https://{Host}{IntrospectPath}";
                    var assertion = ClientAssertion.Create(ClientId, audience, secret, algorithm, owner._timeProvider.GetUtcNow(), ClientAssertion.NewJti());
                    Remember(assertion);

                    // The platform takes the client id from the form (or Basic), never from the assertion.
                    form.Add(new("client_id", ClientId));
                    form.Add(new("client_assertion_type", ClientAssertion.AssertionType));
                    form.Add(new("client_assertion", assertion));
                    break;
            }

            request.Content = new FormUrlEncodedContent(form);
            return request;
        }

        private void Remember(string value)
        {
            lock (_sensitive)
            {
                _sensitive.Add(value);
            }
        }
    }
}
