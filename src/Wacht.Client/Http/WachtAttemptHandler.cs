using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace Wacht.Client;

/// <summary>
/// The innermost handler of the Wacht client, run once per attempt inside the resilience pipeline: it adds the
/// Authorization header with the deployment's current API key (so a rotated key file applies to the next attempt),
/// buffers the whole response body (so the attempt timeout covers it), and logs the attempt. It never logs headers
/// or bodies.
/// </summary>
internal sealed class WachtAttemptHandler : DelegatingHandler
{
    /// <summary>The largest response body the client accepts (lists are not paginated).</summary>
    internal const long MaxResponseBytes = 64L * 1024 * 1024;

    private readonly WachtApiKeyProviderRegistry _apiKeys;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly WachtClientMetrics _metrics;

    public WachtAttemptHandler(WachtApiKeyProviderRegistry apiKeys, TimeProvider timeProvider, ILoggerFactory loggerFactory, WachtClientMetrics metrics)
    {
        _apiKeys = apiKeys;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger(Log.CategoryName);
        _metrics = metrics;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var state = WachtRequestState.Get(request)
            ?? throw new InvalidOperationException("The Wacht HTTP client only sends requests built by IWachtClient.");
        var attempt = state.BeginAttempt();
        var apiKey = _apiKeys.Get(state.DeploymentId).GetApiKey(state.Operation.Name);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);

        var started = _timeProvider.GetTimestamp();
        state.MarkPossiblySent();
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync(MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            response?.Dispose();
            if (response is null && WachtFailureClassifier.IsConnectFailure(ex))
            {
                state.MarkNotSent();
            }

            if (!cancellationToken.IsCancellationRequested)
            {
                Log.AttemptFailed(_logger, state.Operation.Name, state.DeploymentId, ElapsedMs(started), attempt, ex.GetType().Name);
            }

            // This token is cancelled by the attempt timeout and by the caller alike; the handler cannot tell which.
            var status = cancellationToken.IsCancellationRequested || ex is OperationCanceledException
                ? WachtClientMetrics.Cancelled
                : WachtClientMetrics.TransportError;
            _metrics.Record(state.Operation.Name, state.DeploymentId, status, _timeProvider.GetElapsedTime(started));
            throw;
        }

        Log.RequestCompleted(_logger, state.Operation.Name, state.DeploymentId, (int)response.StatusCode, ElapsedMs(started), attempt);
        _metrics.Record(state.Operation.Name, state.DeploymentId, WachtClientMetrics.Status((int)response.StatusCode), _timeProvider.GetElapsedTime(started));
        return response;
    }

    private long ElapsedMs(long started) => (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds;
}
