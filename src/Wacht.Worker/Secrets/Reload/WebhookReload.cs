using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace Wacht.Worker.Secrets.Reload;

/// <summary>
/// Tells an application that its secret changed: a JSON POST with ids, the destination key, the fingerprint and the
/// issue time (never the secret), signed with HMAC-SHA256 over the exact body bytes with a shared key
/// (<c>X-Wacht-Signature: sha256=&lt;hex&gt;</c>). The body carries the send time, also in <c>X-Wacht-Timestamp</c>
/// (Unix seconds), so a receiver can refuse replays. Transient failures (transport errors, timeouts, 408, 429, 5xx) are
/// retried with exponential backoff and jitter (Polly, through Microsoft.Extensions.Http.Resilience's HTTP retry
/// rules); each attempt is re-signed with a fresh timestamp.
/// </summary>
internal sealed class WebhookReload(ReloadActionOptions options, HttpClient http, TimeProvider time, ILogger logger)
{
    public const string SignatureHeader = "X-Wacht-Signature";
    public const string TimestampHeader = "X-Wacht-Timestamp";
    public const string DeliveryHeader = "X-Wacht-Delivery";

    private readonly Uri _url = new(options.Url!, UriKind.Absolute);

    /// <summary>The URL without its query (a query may carry a token).</summary>
    public string Target => _url.GetLeftPart(UriPartial.Path);

    /// <summary>Checks that the signing key can be read (nothing is sent).</summary>
    public void Preflight() => CryptographicOperations.ZeroMemory(SigningKey());

    public async Task<ReloadResult> RunAsync(ReloadRequest request, CancellationToken cancellationToken)
    {
        var key = SigningKey();
        var attempts = 0;
        try
        {
            var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(0, options.MaxAttempts - 1),
                    Delay = options.RetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    OnRetry = args =>
                    {
                        ReloadLog.WebhookRetrying(logger, Target, args.AttemptNumber + 1, Describe(args.Outcome), args.RetryDelay);
                        return ValueTask.CompletedTask;
                    },
                })
                .AddTimeout(options.Timeout)
                .Build();

            using var response = await pipeline.ExecuteAsync(
                async ct =>
                {
                    attempts++;
                    using var message = Sign(request, key);
                    return await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
                },
                cancellationToken);

            var status = (int)response.StatusCode;
            var detail = $"HTTP {status} after {attempts} attempt{(attempts == 1 ? "" : "s")}";
            return response.IsSuccessStatusCode ? new ReloadResult(ReloadActionOptions.Webhook, Target, true, detail) : Fail(detail);
        }
        catch (TimeoutRejectedException)
        {
            return Fail($"no answer within {options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s, {attempts} attempt{(attempts == 1 ? "" : "s")}");
        }
        catch (HttpRequestException ex)
        {
            return Fail($"could not be reached ({ex.HttpRequestError}), {attempts} attempt{(attempts == 1 ? "" : "s")}");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The request of one attempt: the body with the current time, its signature and the headers.</summary>
    private HttpRequestMessage Sign(ReloadRequest request, byte[] key)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var body = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "wacht.secret-rotated");
            writer.WriteString("commandId", request.CommandId.ToString("D"));
            writer.WriteString("deploymentId", request.Target.DeploymentId);
            writer.WriteString("appSlug", request.Target.AppSlug);
            writer.WriteString("oauthClientId", request.Target.OAuthClientId);
            writer.WriteString("clientId", request.Target.ClientId);
            writer.WriteString("route", request.Route);
            writer.WriteString("destination", request.Destination);
            writer.WriteString("key", request.Key);
            writer.WriteString("fingerprint", request.Fingerprint);
            writer.WriteString("rotatedAt", request.RotatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteNumber("timestamp", timestamp);
            writer.WriteEndObject();
        }

        var bytes = body.WrittenSpan.ToArray();
        var message = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(bytes) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        message.Headers.Add(SignatureHeader, "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, bytes)));
        message.Headers.Add(TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        message.Headers.Add(DeliveryHeader, request.CommandId.ToString("D"));
        return message;
    }

    private byte[] SigningKey()
    {
        string? text;
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            text = options.SigningKey;
        }
        else if (!string.IsNullOrWhiteSpace(options.SigningKeyEnvironmentVariable))
        {
            text = Environment.GetEnvironmentVariable(options.SigningKeyEnvironmentVariable)
                ?? throw new SecretDestinationException(SecretDestinationFailure.Invalid, $"Webhook {Target}: the environment variable {options.SigningKeyEnvironmentVariable} holding its signing key is not set.");
        }
        else
        {
            try
            {
                text = File.ReadAllText(options.SigningKeyFile!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new SecretDestinationException(SecretDestinationFailure.Invalid, $"Webhook {Target}: its signing key file {options.SigningKeyFile} cannot be read ({ex.GetType().Name}).");
            }
        }

        return string.IsNullOrWhiteSpace(text)
            ? throw new SecretDestinationException(SecretDestinationFailure.Invalid, $"Webhook {Target}: its signing key is empty.")
            : Encoding.UTF8.GetBytes(text.Trim());
    }

    private ReloadResult Fail(string detail) => new(ReloadActionOptions.Webhook, Target, false, detail);

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } ex
            ? ex is TimeoutRejectedException ? "timeout" : ex.GetType().Name
            : $"HTTP {(int)(outcome.Result?.StatusCode ?? HttpStatusCode.InternalServerError)}";
}
