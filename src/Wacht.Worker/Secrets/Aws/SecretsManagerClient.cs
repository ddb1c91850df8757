using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Wacht.Worker.Secrets.Http;

namespace Wacht.Worker.Secrets.Aws;

/// <summary>
/// The few AWS Secrets Manager operations the destination needs, over the service's JSON protocol
/// (<c>POST /</c>, <c>X-Amz-Target: secretsmanager.&lt;Operation&gt;</c>, <c>Content-Type: application/x-amz-json-1.1</c>),
/// signed with SigV4 by <see cref="AwsSigV4Handler"/> (the SDK's signer) with credentials from the SDK's chain.
/// <para>
/// Written by hand only because <c>AWSSDK.SecretsManager</c> is not served here: replace this class with the SDK's
/// <c>AmazonSecretsManagerClient</c> once it is (the operations and their fields are named as in the SDK).
/// </para>
/// Every call has its own timeout and the caller's cancellation. Reads, and <c>PutSecretValue</c> (made idempotent by
/// its <c>ClientRequestToken</c>), are retried on transient failures; <c>CreateSecret</c> and
/// <c>UpdateSecretVersionStage</c> are not (the destination reads again and decides again). Failures are
/// <see cref="SecretDestinationException"/>s with the error type and AWS's message (which names ARNs and actions,
/// never values), never a request body.
/// </summary>
internal sealed class SecretsManagerClient
{
    /// <summary>The named HTTP client (registered by <see cref="AwsSecretsManagerDestinationKind"/>).</summary>
    public const string HttpClientName = "Wacht.Worker.Secrets.AwsSecretsManager";

    public const string CurrentStage = "AWSCURRENT";

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/x-amz-json-1.1");

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly AWSCredentials _credentials;
    private readonly RegionEndpoint _region;
    private readonly Uri _endpoint;
    private readonly TimeSpan _timeout;
    private readonly string _destination;

    public SecretsManagerClient(string destination, IHttpClientFactory httpClientFactory, AWSCredentials credentials, RegionEndpoint region, Uri endpoint, TimeSpan timeout)
    {
        _destination = destination;
        _httpClientFactory = httpClientFactory;
        _credentials = credentials;
        _region = region;
        _endpoint = endpoint;
        _timeout = timeout;
    }

    /// <summary><c>GetSecretValue</c> of the AWSCURRENT version: its id and string; null when the secret or that version does not exist.</summary>
    public async Task<(string VersionId, string? SecretString)?> GetCurrentAsync(string name, CancellationToken cancellationToken)
    {
        var answer = await CallAsync("GetSecretValue", new JsonObject { ["SecretId"] = name, ["VersionStage"] = CurrentStage }, name, retrySafe: true, null, cancellationToken);
        if (answer.Error is { Type: "ResourceNotFoundException" })
        {
            return null;
        }

        var body = answer.EnsureSuccess(this, "GetSecretValue", name);
        return (Text(body, "VersionId") ?? "", Text(body, "SecretString"));
    }

    /// <summary><c>DescribeSecret</c>: null when the secret does not exist.</summary>
    public async Task<JsonObject?> DescribeAsync(string name, CancellationToken cancellationToken)
    {
        var answer = await CallAsync("DescribeSecret", new JsonObject { ["SecretId"] = name }, name, retrySafe: true, null, cancellationToken);
        return answer.Error is { Type: "ResourceNotFoundException" } ? null : answer.EnsureSuccess(this, "DescribeSecret", name);
    }

    /// <summary><c>CreateSecret</c> with its first version (AWSCURRENT); false when a secret of that name already exists.</summary>
    public async Task<bool> CreateAsync(string name, string token, string secretString, string? kmsKeyId, string description, CancellationToken cancellationToken)
    {
        var request = new JsonObject
        {
            ["Name"] = name,
            ["ClientRequestToken"] = token,
            ["SecretString"] = secretString,
            ["Description"] = description,
        };
        if (kmsKeyId is not null)
        {
            request["KmsKeyId"] = kmsKeyId;
        }

        var answer = await CallAsync("CreateSecret", request, name, retrySafe: false, secretString, cancellationToken);
        if (answer.Error is { Type: "ResourceExistsException" })
        {
            return false;
        }

        answer.EnsureSuccess(this, "CreateSecret", name);
        return true;
    }

    /// <summary>
    /// <c>PutSecretValue</c> as a new version carrying only <paramref name="stage"/> (not AWSCURRENT): its version id,
    /// or null when <paramref name="token"/> already names a version with another value.
    /// </summary>
    public async Task<string?> PutPendingAsync(string name, string token, string secretString, string stage, CancellationToken cancellationToken)
    {
        var request = new JsonObject
        {
            ["SecretId"] = name,
            ["ClientRequestToken"] = token,
            ["SecretString"] = secretString,
            ["VersionStages"] = new JsonArray(stage),
        };
        var answer = await CallAsync("PutSecretValue", request, name, retrySafe: true, secretString, cancellationToken);
        if (answer.Error is { Type: "ResourceExistsException" })
        {
            return null;
        }

        return Text(answer.EnsureSuccess(this, "PutSecretValue", name), "VersionId") ?? token;
    }

    /// <summary>
    /// <c>UpdateSecretVersionStage</c>: moves AWSCURRENT to <paramref name="toVersion"/> only if it is still on
    /// <paramref name="fromVersion"/> (null: on no version); Secrets Manager refuses the move otherwise. Returns the
    /// refusal's words, or null when the label moved.
    /// </summary>
    public async Task<string?> MoveCurrentAsync(string name, string toVersion, string? fromVersion, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["SecretId"] = name, ["VersionStage"] = CurrentStage, ["MoveToVersionId"] = toVersion };
        if (fromVersion is not null)
        {
            request["RemoveFromVersionId"] = fromVersion;
        }

        var answer = await CallAsync("UpdateSecretVersionStage", request, name, retrySafe: false, null, cancellationToken);
        if (answer.Error is { Type: "InvalidParameterException" or "InvalidRequestException" } refused)
        {
            return refused.Text;
        }

        answer.EnsureSuccess(this, "UpdateSecretVersionStage", name);
        return null;
    }

    private async Task<Answer> CallAsync(string operation, JsonObject request, string name, bool retrySafe, string? secret, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(request);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        using var message = new HttpRequestMessage(HttpMethod.Post, _endpoint);
        message.Options.Set(DestinationHttp.RetrySafe, retrySafe);
        message.Options.Set(AwsSigV4Handler.Credentials, _credentials);
        message.Options.Set(AwsSigV4Handler.Region, _region);
        message.Options.Set(AwsSigV4Handler.Service, "secretsmanager");
        message.Headers.Add("X-Amz-Target", $"secretsmanager.{operation}");
        message.Content = new ByteArrayContent(bytes);
        message.Content.Headers.ContentType = JsonContentType;
        try
        {
            using var client = _httpClientFactory.CreateClient(HttpClientName);
            client.Timeout = Timeout.InfiniteTimeSpan; // our own timeout above, and the resilience handler's
            using var response = await client.SendAsync(message, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var body = Parse(text);
            if (response.IsSuccessStatusCode)
            {
                return new Answer(response.StatusCode, body ?? [], null);
            }

            // The error type: x-amzn-ErrorType or __type ("prefix#Type:uri" forms are cut to Type); the message: message or Message.
            var type = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.First() : Text(body, "__type") ?? "";
            type = type.Split(':')[0];
            type = type[(type.LastIndexOf('#') + 1)..];
            var words = Text(body, "message") ?? Text(body, "Message") ?? "";
            if (secret is { Length: > 0 })
            {
                words = words.Replace(secret, "***", StringComparison.Ordinal); // never expected; never echoed either
            }

            return new Answer(response.StatusCode, body ?? [], new AwsError(type, DestinationHttp.Printable(words)));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(SecretDestinationFailure.Unreachable, operation, name, $"Secrets Manager did not answer within {_timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (TimeoutRejectedException)
        {
            throw Failure(SecretDestinationFailure.Unreachable, operation, name, "Secrets Manager did not answer in time");
        }
        catch (BrokenCircuitException)
        {
            throw Failure(SecretDestinationFailure.Unreachable, operation, name, "Secrets Manager failed too often recently (circuit open); try again later");
        }
        catch (HttpRequestException ex)
        {
            throw Failure(SecretDestinationFailure.Unreachable, operation, name, $"Secrets Manager could not be reached ({ex.HttpRequestError})");
        }
        catch (AmazonClientException ex)
        {
            // The credential chain found no credentials, or could not refresh them (the SDK's message names the sources tried).
            throw Failure(SecretDestinationFailure.Forbidden, operation, name, $"no AWS credentials ({SecretKeyException.Printable(ex.Message)})");
        }
        finally
        {
            Array.Clear(bytes);
        }
    }

    internal SecretDestinationException Failure(SecretDestinationFailure reason, string operation, string name, string detail) =>
        new(reason, $"AWS Secrets Manager destination '{_destination}' could not {operation} {name}: {detail}.");

    private static string? Text(JsonNode? node, string property) =>
        node is JsonObject o && o[property] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static JsonObject? Parse(string text)
    {
        try
        {
            return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal sealed record AwsError(string Type, string Message)
    {
        public string Text => Message.Length > 0 ? $"{Type}: {Message}" : Type;
    }

    private sealed record Answer(HttpStatusCode Status, JsonObject Body, AwsError? Error)
    {
        public JsonObject EnsureSuccess(SecretsManagerClient client, string operation, string name)
        {
            if (Error is null)
            {
                return Body;
            }

            var reason = Error.Type switch
            {
                "AccessDeniedException" or "UnrecognizedClientException" or "InvalidSignatureException" or "IncompleteSignature"
                    or "MissingAuthenticationToken" or "InvalidClientTokenId" or "ExpiredTokenException" or "SignatureDoesNotMatch"
                    or "DecryptionFailure" or "EncryptionFailure" => SecretDestinationFailure.Forbidden,
                "ThrottlingException" or "InternalServiceError" or "ServiceUnavailable" or "RequestTimeout" or "RequestLimitExceeded" => SecretDestinationFailure.Unreachable,
                _ when (int)Status >= 500 => SecretDestinationFailure.Unreachable,
                _ => SecretDestinationFailure.Invalid,
            };
            throw client.Failure(reason, operation, name, $"HTTP {(int)Status} {Error.Text}");
        }
    }
}
