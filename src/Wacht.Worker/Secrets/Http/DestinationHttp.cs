using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Wacht.Worker.Secrets.Http;

/// <summary>
/// The HTTP client of a destination that speaks its vendor's API directly (Vault, AWS Secrets Manager): the standard
/// resilience handler, with retries only for requests marked <see cref="RetrySafe"/> (reads, logins, and writes the
/// vendor makes idempotent), never for a write whose outcome would be unknown; the destination then reads again and
/// decides again instead. No request logging (URLs and headers carry tokens).
/// </summary>
internal static class DestinationHttp
{
    /// <summary>Marks a request that may be sent again after a transient failure (5xx, 408, 429, connection, attempt timeout).</summary>
    public static readonly HttpRequestOptionsKey<bool> RetrySafe = new("Wacht.Secrets.RetrySafe");

    /// <summary>Registers a named client; handlers added to the returned builder run inside the retries, on every attempt (e.g. a signer).</summary>
    public static IHttpClientBuilder AddDestinationHttpClient(this IServiceCollection services, string name)
    {
        var builder = services.AddHttpClient(name).RemoveAllLoggers();
        builder.AddStandardResilienceHandler(options =>
        {
            // Each destination call also has its own timeout (RequestTimeout) and the caller's cancellation; these bound
            // the handler itself.
            options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(30);
            options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(90);
            options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(60);
            options.Retry.MaxRetryAttempts = 2;
            options.Retry.Delay = TimeSpan.FromMilliseconds(200);
            options.Retry.ShouldHandle = static args => ValueTask.FromResult(
                IsRetrySafe(args.Context) && HttpClientResiliencePredicates.IsTransient(args.Outcome));
        }).SelectPipelineByAuthority();
        return builder;
    }

    /// <summary>A vendor's error words made safe to publish: control characters escaped, at most <paramref name="max"/> characters.</summary>
    public static string Printable(string? text, int max = 300)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var printable = string.Concat(text.Take(max).Select(static c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return text.Length > max ? printable + "…" : printable;
    }

    private static bool IsRetrySafe(ResilienceContext context) =>
        context.GetRequestMessage() is { } request && request.Options.TryGetValue(RetrySafe, out var safe) && safe;
}
