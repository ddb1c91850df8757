using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Wacht.Client;

/// <summary>
/// Builds the resilience pipeline of one deployment (one pipeline instance per deployment id, selected from the
/// request's <see cref="WachtRequestState"/>). Outer to inner: total timeout, retry, circuit breaker, concurrency
/// limiter (queueing), token-bucket rate limiter (queueing, optional), attempt timeout.
/// </summary>
/// <remarks>
/// Retry policy: idempotent operations are retried on 408, 429, 5xx (except 501/505), network failures and attempt
/// timeouts, with exponential back-off and jitter, or after the server's Retry-After when it sent one. A Retry-After
/// longer than <see cref="WachtDeploymentOptions.MaxRetryAfter"/> ends the retries at once. Non-idempotent operations
/// are retried ONLY when the connection could not be established (DNS failure, connection refused), because then no
/// byte of the request left the client.
/// </remarks>
internal static class WachtResiliencePipeline
{
    public const string PipelineName = "wacht";

    public static string SelectKey(HttpRequestMessage request) => WachtRequestState.Get(request)?.DeploymentId ?? string.Empty;

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var services = context.ServiceProvider;
        var deploymentId = context.InstanceName;
        var deployments = services.GetRequiredService<IOptions<WachtOptions>>().Value.Deployments;
        if (string.IsNullOrEmpty(deploymentId) || !deployments.TryGetValue(deploymentId, out var options) || options is null)
        {
            // Requests not built by IWachtClient get no pipeline; WachtAttemptHandler refuses them.
            return;
        }

        var timeProvider = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(Log.CategoryName);
        var circuits = services.GetRequiredService<WachtCircuitStateRegistry>();
        builder.TimeProvider = timeProvider;

        builder.AddTimeout(new TimeoutStrategyOptions { Name = "TotalTimeout", Timeout = options.TotalTimeout });

        if (options.MaxRetries > 0)
        {
            builder.AddRetry(CreateRetryOptions(deploymentId, options, timeProvider, logger));
        }

        if (options.CircuitBreaker.Enabled)
        {
            builder.AddCircuitBreaker(CreateCircuitBreakerOptions(deploymentId, options.CircuitBreaker, circuits, logger));
        }

        builder.AddConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrentRequests,
            QueueLimit = options.MaxQueuedRequests,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });

        if (options.RequestsPerSecond is { } requestsPerSecond)
        {
            var limiter = CreateTokenBucket(requestsPerSecond, options.MaxQueuedRequests);
            builder.AddRateLimiter(limiter);
            context.OnPipelineDisposed(limiter.Dispose);
        }

        builder.AddTimeout(new TimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = options.RequestTimeout });
    }

    internal static TimeSpan Backoff(int attemptNumber, TimeSpan baseDelay, TimeSpan maxDelay, double random)
    {
        // Exponential growth capped at maxDelay, then "equal jitter": half fixed, half random.
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attemptNumber, 30));
        var capped = Math.Min(exponential, maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((capped / 2) + (capped / 2 * random));
    }

    internal static TokenBucketRateLimiter CreateTokenBucket(double requestsPerSecond, int queueLimit)
    {
        // Replenish at most every ~100 ms so high rates do not need a fast timer; the burst equals one period's tokens.
        var tokensPerPeriod = Math.Max(1, (int)Math.Ceiling(requestsPerSecond / 10));
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokensPerPeriod,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokensPerPeriod / requestsPerSecond),
            QueueLimit = queueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    private static RetryStrategyOptions<HttpResponseMessage> CreateRetryOptions(
        string deploymentId, WachtDeploymentOptions options, TimeProvider timeProvider, ILogger logger) => new()
        {
            Name = "Retry",
            MaxRetryAttempts = options.MaxRetries,

            // The DelayGenerator below always answers (Retry-After, else our capped, jittered exponential back-off);
            // Polly's own MaxDelay stays unset so that it can never shorten a Retry-After.
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            MaxDelay = null,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, options, timeProvider, logger)),
            DelayGenerator = args =>
            {
                var delay = args.Outcome.Result is { } response && RetryAfterParser.Get(response, timeProvider) is { } retryAfter
                    ? retryAfter
                    : Backoff(args.AttemptNumber, options.RetryBaseDelay, options.MaxRetryDelay, Random.Shared.NextDouble());
                return ValueTask.FromResult<TimeSpan?>(delay);
            },
            OnRetry = args =>
            {
                var operation = StateOf(args.Context)?.Operation.Name ?? "(unknown)";
                Log.RetryScheduled(logger, operation, deploymentId, (long)args.RetryDelay.TotalMilliseconds, args.AttemptNumber + 1, Describe(args.Outcome));
                return default;
            },
        };

    private static bool ShouldRetry(
        Outcome<HttpResponseMessage> outcome, ResilienceContext context, WachtDeploymentOptions options, TimeProvider timeProvider, ILogger logger)
    {
        var state = StateOf(context);
        if (state is null || context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        if (outcome.Exception is { } exception)
        {
            return state.Operation.IsIdempotent
                ? WachtFailureClassifier.IsTransientException(exception)
                : WachtFailureClassifier.IsConnectFailure(exception);
        }

        if (!state.Operation.IsIdempotent || outcome.Result is not { } response || !WachtStatusCodes.IsTransient(response.StatusCode))
        {
            return false;
        }

        if (RetryAfterParser.Get(response, timeProvider) is { } retryAfter && retryAfter > options.MaxRetryAfter)
        {
            Log.RetryAfterTooLong(logger, state.Operation.Name, state.DeploymentId, retryAfter.TotalSeconds, options.MaxRetryAfter.TotalSeconds);
            return false;
        }

        return true;
    }

    private static CircuitBreakerStrategyOptions<HttpResponseMessage> CreateCircuitBreakerOptions(
        string deploymentId, WachtCircuitBreakerOptions options, WachtCircuitStateRegistry circuits, ILogger logger) => new()
        {
            Name = "CircuitBreaker",
            FailureRatio = options.FailureRatio,
            MinimumThroughput = options.MinimumThroughput,
            SamplingDuration = options.SamplingDuration,
            BreakDuration = options.BreakDuration,
            ShouldHandle = args => ValueTask.FromResult(WachtFailureClassifier.IsBreakerFailure(args.Outcome)),
            OnOpened = args =>
            {
                circuits.Opened(deploymentId, args.BreakDuration);
                Log.CircuitOpened(logger, deploymentId, (long)args.BreakDuration.TotalMilliseconds, Describe(args.Outcome));
                return default;
            },
            OnHalfOpened = _ =>
            {
                Log.CircuitHalfOpened(logger, deploymentId);
                return default;
            },
            OnClosed = _ =>
            {
                circuits.Closed(deploymentId);
                Log.CircuitClosed(logger, deploymentId);
                return default;
            },
        };

    private static WachtRequestState? StateOf(ResilienceContext context) =>
        context.GetRequestMessage() is { } request ? WachtRequestState.Get(request) : null;

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception
            ? exception.GetType().Name
            : outcome.Result is { } response ? $"HTTP {(int)response.StatusCode}" : "no result";
}
