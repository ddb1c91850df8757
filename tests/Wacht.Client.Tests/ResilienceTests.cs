using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Wacht.Client.Tests.Support;

namespace Wacht.Client.Tests;

public sealed class ResilienceTests
{
    private const string ClientId = "9223372036854775806";
    private const string Deployment = WachtTestHost.DeploymentId;

    private static readonly CreateOAuthClientRequest NewClient = new()
    {
        ClientAuthMethod = ClientAuthMethods.ClientSecretBasic,
        GrantTypes = [GrantTypes.AuthorizationCode],
        RedirectUris = ["https://app.example.com/cb"],
    };

    private static WachtTestHost Host(StubHttpHandler handler, params (string Key, string Value)[] settings) =>
        WachtTestHost.Create(handler, s =>
        {
            foreach (var (key, value) in settings)
            {
                s[$"Wacht:Deployments:{Deployment}:{key}"] = value;
            }
        });

    [Fact]
    public async Task Get_answered_503_is_retried_and_then_succeeds()
    {
        var handler = new StubHttpHandler().ThenError(HttpStatusCode.ServiceUnavailable).ThenJson(Fixtures.Apps(Fixtures.App));
        await using var host = Host(handler);

        var apps = await host.Client.ListOAuthAppsAsync();

        Assert.Single(apps);
        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, static r => Assert.Equal(WachtTestHost.ApiKey, r.Authorization?.Parameter));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Get_is_retried_on_every_transient_status(int status)
    {
        var handler = new StubHttpHandler().ThenError((HttpStatusCode)status).ThenJson(Fixtures.Grants());
        await using var host = Host(handler);

        await host.Client.ListOAuthGrantsAsync("reports", ClientId);

        Assert.Equal(2, handler.Requests.Count);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(501)]
    public async Task Get_is_not_retried_on_a_permanent_status(int status)
    {
        var handler = new StubHttpHandler().AlwaysError((HttpStatusCode)status);
        await using var host = Host(handler);

        await Assert.ThrowsAnyAsync<WachtApiException>(() => host.Client.ListOAuthAppsAsync());

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Retries_stop_after_MaxRetries_and_surface_the_last_error()
    {
        var handler = new StubHttpHandler().AlwaysError(HttpStatusCode.BadGateway, "upstream down");
        await using var host = Host(handler, ("MaxRetries", "2"));

        var error = await Assert.ThrowsAsync<WachtServerException>(() => host.Client.ListOAuthAppsAsync());

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Equal("upstream down", error.ServerMessage);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task Get_network_failure_is_retried_and_a_persistent_one_is_a_transport_error()
    {
        var handler = new StubHttpHandler().ThenConnectionReset().ThenJson(Fixtures.Apps());
        await using var host = Host(handler, ("MaxRetries", "1"));

        await host.Client.ListOAuthAppsAsync();
        Assert.Equal(2, handler.Requests.Count);

        handler.Always((_, _) => throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."));
        var error = await Assert.ThrowsAsync<WachtTransportException>(() => host.Client.ListOAuthAppsAsync());
        Assert.True(error.IsTransient);
        Assert.True(error.RequestMayHaveBeenSent);
        Assert.Equal(4, handler.Requests.Count);
    }

    [Fact]
    public async Task Retry_after_on_429_is_waited_out_before_the_retry()
    {
        var handler = new StubHttpHandler()
            .ThenError(HttpStatusCode.TooManyRequests, "slow down", static r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(1)))
            .ThenJson(Fixtures.Apps());
        await using var host = Host(handler);
        var stopwatch = Stopwatch.StartNew();

        await host.Client.ListOAuthAppsAsync();

        Assert.Equal(2, handler.Requests.Count);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(900), $"waited only {stopwatch.Elapsed}");
        Assert.Contains(host.Logs.GetSnapshot(), static r => r.Id.Name == "WachtRetryScheduled" && r.Message.Contains("in 1000 ms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retry_after_beyond_MaxRetryAfter_stops_retrying_and_surfaces_RetryAfter()
    {
        var handler = new StubHttpHandler().AlwaysError(HttpStatusCode.TooManyRequests, "slow down",
            static r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(30)));
        await using var host = Host(handler, ("MaxRetryAfter", "00:00:10"));
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<WachtRateLimitedException>(() => host.Client.ListOAuthAppsAsync());

        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
        Assert.Single(handler.Requests);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), "it did not wait for the long Retry-After");
        Assert.Contains(host.Logs.GetSnapshot(), static r => r.Id.Name == "WachtRetryAfterTooLong");
    }

    [Fact]
    public async Task Get_that_stalls_times_out_per_attempt_and_is_retried()
    {
        var handler = new StubHttpHandler().ThenStall().ThenJson(Fixtures.Apps(Fixtures.App));
        await using var host = Host(handler, ("RequestTimeout", "00:00:00.200"));

        var apps = await host.Client.ListOAuthAppsAsync();

        Assert.Single(apps);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Get_that_always_stalls_is_a_transport_error_after_its_attempts()
    {
        var handler = new StubHttpHandler().AlwaysStall();
        await using var host = Host(handler, ("RequestTimeout", "00:00:00.100"), ("MaxRetries", "2"));

        var error = await Assert.ThrowsAsync<WachtTransportException>(() => host.Client.ListOAuthAppsAsync());

        Assert.Equal(3, handler.Requests.Count);
        Assert.True(error.IsTransient);
        Assert.Contains("00:00:00.1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Total_timeout_bounds_the_whole_retry_sequence()
    {
        var handler = new StubHttpHandler().AlwaysStall();
        await using var host = Host(handler,
            ("RequestTimeout", "00:00:00.200"), ("TotalTimeout", "00:00:00.500"), ("MaxRetries", "10"));
        var stopwatch = Stopwatch.StartNew();

        await Assert.ThrowsAsync<WachtTransportException>(() => host.Client.ListOAuthAppsAsync());

        Assert.InRange(handler.Requests.Count, 1, 4);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(408)]
    public async Task Rotate_secret_answered_with_a_server_error_is_outcome_unknown_after_exactly_one_request(int status)
    {
        var handler = new StubHttpHandler().AlwaysError((HttpStatusCode)status, "Something went wrong");
        await using var host = Host(handler);

        var error = await Assert.ThrowsAsync<WachtOutcomeUnknownException>(() => host.Client.RotateOAuthClientSecretAsync("reports", ClientId));

        Assert.Single(handler.Requests);
        Assert.True(error.IsTransient);
        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal("rotateOAuthClientSecret", error.Operation);
        Assert.Equal(Deployment, error.DeploymentId);
        Assert.Equal("Something went wrong", error.ServerMessage);
        Assert.Contains(host.Logs.GetSnapshot(), static r => r.Id.Name == "WachtOutcomeUnknown");
    }

    [Fact]
    public async Task Rotate_secret_that_stalls_past_the_request_timeout_is_outcome_unknown_after_exactly_one_request()
    {
        var handler = new StubHttpHandler().AlwaysStall();
        await using var host = Host(handler, ("RequestTimeout", "00:00:00.200"));

        var error = await Assert.ThrowsAsync<WachtOutcomeUnknownException>(() => host.Client.RotateOAuthClientSecretAsync("reports", ClientId));

        Assert.Single(handler.Requests);
        Assert.Null(error.StatusCode);
        Assert.Contains("00:00:00.2", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_secret_whose_connection_breaks_after_sending_is_outcome_unknown_after_exactly_one_request()
    {
        var handler = new StubHttpHandler().ThenConnectionReset();
        await using var host = Host(handler);

        await Assert.ThrowsAsync<WachtOutcomeUnknownException>(() => host.Client.RotateOAuthClientSecretAsync("reports", ClientId));

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Rotate_secret_answered_429_is_rate_limited_and_not_retried()
    {
        var handler = new StubHttpHandler().AlwaysError(HttpStatusCode.TooManyRequests, "slow down",
            static r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(1)));
        await using var host = Host(handler);

        var error = await Assert.ThrowsAsync<WachtRateLimitedException>(() => host.Client.RotateOAuthClientSecretAsync("reports", ClientId));

        Assert.Single(handler.Requests);
        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
    }

    [Fact]
    public async Task Rotate_secret_is_retried_only_when_the_connection_was_never_established()
    {
        var handler = new StubHttpHandler().ThenConnectionRefused().ThenJson(Fixtures.RotatedSecret);
        await using var host = Host(handler);

        var rotated = await host.Client.RotateOAuthClientSecretAsync("reports", ClientId);

        Assert.Equal(Fixtures.Secret, rotated.ClientSecret.Reveal());
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Rotate_secret_never_connecting_is_a_transport_error_that_provably_was_not_sent()
    {
        var handler = new StubHttpHandler().Always((_, _) => throw new HttpRequestException(
            HttpRequestError.NameResolutionError, "Name or service not known (api.test.local:443)"));
        await using var host = Host(handler, ("MaxRetries", "1"));

        var error = await Assert.ThrowsAsync<WachtTransportException>(() => host.Client.RotateOAuthClientSecretAsync("reports", ClientId));

        Assert.False(error.RequestMayHaveBeenSent);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Rotate_secret_refused_then_timing_out_is_outcome_unknown()
    {
        var handler = new StubHttpHandler().ThenConnectionRefused().AlwaysStall();
        await using var host = Host(handler, ("RequestTimeout", "00:00:00.150"));

        await Assert.ThrowsAsync<WachtOutcomeUnknownException>(() => host.Client.RotateOAuthClientSecretAsync("reports", ClientId));

        Assert.Equal(2, handler.Requests.Count);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Create_client_answered_with_a_server_error_is_outcome_unknown_after_exactly_one_request(int status)
    {
        var handler = new StubHttpHandler().AlwaysError((HttpStatusCode)status);
        await using var host = Host(handler);

        await Assert.ThrowsAsync<WachtOutcomeUnknownException>(() => host.Client.CreateOAuthClientAsync("reports", NewClient));

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Create_client_that_stalls_is_outcome_unknown_after_exactly_one_request()
    {
        var handler = new StubHttpHandler().AlwaysStall();
        await using var host = Host(handler, ("RequestTimeout", "00:00:00.200"));

        await Assert.ThrowsAsync<WachtOutcomeUnknownException>(() => host.Client.CreateOAuthClientAsync("reports", NewClient));

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Create_app_and_signing_key_operations_are_not_retried_either()
    {
        var handler = new StubHttpHandler().AlwaysError(HttpStatusCode.ServiceUnavailable);
        await using var host = Host(handler);

        await Assert.ThrowsAsync<WachtOutcomeUnknownException>(() => host.Client.CreateOAuthAppAsync(new CreateOAuthAppRequest { Slug = "s", Name = "n" }));
        await Assert.ThrowsAsync<WachtOutcomeUnknownException>(() => host.Client.RotateOAuthAppSigningKeyAsync("reports"));
        await Assert.ThrowsAsync<WachtOutcomeUnknownException>(() => host.Client.CompromiseOAuthAppSigningKeyAsync("reports", "key-1"));

        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task Idempotent_writes_are_retried()
    {
        var handler = new StubHttpHandler()
            .ThenError(HttpStatusCode.ServiceUnavailable).ThenStatus(HttpStatusCode.OK, "null")
            .ThenError(HttpStatusCode.GatewayTimeout).ThenJson(Fixtures.App)
            .ThenError(HttpStatusCode.InternalServerError).ThenJson(Fixtures.Client);
        await using var host = Host(handler);

        await host.Client.RevokeOAuthGrantAsync("reports", ClientId, "9223372036854775805");
        await host.Client.ArchiveOAuthScopeAsync("reports", "read:reports");
        await host.Client.UpdateOAuthClientAsync("reports", ClientId, new UpdateOAuthClientRequest { ClientName = "n" });

        Assert.Equal(6, handler.Requests.Count);
    }

    [Fact]
    public async Task Deactivate_retried_after_a_lost_answer_treats_the_404_as_already_deactivated()
    {
        var handler = new StubHttpHandler()
            .ThenError(HttpStatusCode.BadGateway)
            .ThenError(HttpStatusCode.NotFound, "OAuth client not found or already inactive");
        await using var host = Host(handler);

        await host.Client.DeactivateOAuthClientAsync("reports", ClientId);

        Assert.Equal(2, handler.Requests.Count);
        Assert.Contains(host.Logs.GetSnapshot(), static r => r.Id.Name == "WachtDeactivateRetriedNotFound");
    }

    [Fact]
    public async Task Deactivate_answered_404_on_its_first_attempt_is_not_found()
    {
        var handler = new StubHttpHandler().ThenError(HttpStatusCode.NotFound, "OAuth client not found or already inactive");
        await using var host = Host(handler);

        await Assert.ThrowsAsync<WachtNotFoundException>(() => host.Client.DeactivateOAuthClientAsync("reports", ClientId));
    }

    [Fact]
    public async Task Deactivate_404_after_a_refused_connection_is_still_not_found()
    {
        var handler = new StubHttpHandler().ThenConnectionRefused().ThenError(HttpStatusCode.NotFound, "OAuth client not found or already inactive");
        await using var host = Host(handler);

        await Assert.ThrowsAsync<WachtNotFoundException>(() => host.Client.DeactivateOAuthClientAsync("reports", ClientId));
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Caller_cancellation_stops_a_long_retry_sequence_promptly()
    {
        var handler = new StubHttpHandler().AlwaysError(HttpStatusCode.ServiceUnavailable, "busy",
            static r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(30)));
        await using var host = Host(handler, ("MaxRetries", "10"));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Client.ListOAuthAppsAsync(cts.Token));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Caller_cancellation_of_a_stalled_rotate_is_cancellation_not_outcome_unknown()
    {
        var handler = new StubHttpHandler().AlwaysStall();
        await using var host = Host(handler, ("RequestTimeout", "00:00:30"));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Client.RotateOAuthClientSecretAsync("reports", ClientId, cts.Token));

        Assert.Single(handler.Requests);
        Assert.Contains(host.Logs.GetSnapshot(), static r => r.Id.Name == "WachtCancelledAfterSend");
    }

    [Fact]
    public async Task An_already_cancelled_token_sends_nothing()
    {
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.Apps());
        await using var host = Host(handler);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Client.ListOAuthAppsAsync(new CancellationToken(canceled: true)));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Circuit_opens_after_repeated_failures_of_one_deployment_but_not_for_another()
    {
        var handler = new StubHttpHandler().Always((request, _) => Task.FromResult(request.Uri.Host == "api.test.local"
            ? StubHttpHandler.Error(HttpStatusCode.InternalServerError, "down")
            : StubHttpHandler.Json(HttpStatusCode.OK, Fixtures.Apps())));
        var settings = WachtTestHost.DefaultSettings();
        foreach (var (key, value) in WachtTestHost.DefaultSettings(WachtTestHost.OtherDeploymentId, WachtTestHost.OtherApiKey))
        {
            settings[key] = value;
        }

        foreach (var id in new[] { Deployment, WachtTestHost.OtherDeploymentId })
        {
            settings[$"Wacht:Deployments:{id}:MaxRetries"] = "0";
            settings[$"Wacht:Deployments:{id}:CircuitBreaker:MinimumThroughput"] = "3";
            settings[$"Wacht:Deployments:{id}:CircuitBreaker:FailureRatio"] = "0.5";
            settings[$"Wacht:Deployments:{id}:CircuitBreaker:BreakDuration"] = "00:00:30";
        }

        settings[$"Wacht:Deployments:{WachtTestHost.OtherDeploymentId}:BaseUrl"] = "https://other.test.local";
        await using var host = WachtTestHost.Create(handler, settings);
        var failing = host.Client;
        var healthy = host.Factory.GetClient(WachtTestHost.OtherDeploymentId);

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<WachtServerException>(() => failing.ListOAuthAppsAsync());
        }

        var open = await Assert.ThrowsAsync<WachtCircuitOpenException>(() => failing.ListOAuthAppsAsync());
        var rotateWhileOpen = await Assert.ThrowsAsync<WachtCircuitOpenException>(() => failing.RotateOAuthClientSecretAsync("reports", ClientId));
        await healthy.ListOAuthAppsAsync();

        Assert.True(open.IsTransient);
        Assert.NotNull(open.RetryAfter);
        Assert.InRange(open.RetryAfter.Value, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
        Assert.Equal(Deployment, rotateWhileOpen.DeploymentId);
        Assert.Equal(3, handler.Requests.Count(static r => r.Uri.Host == "api.test.local"));
        Assert.Single(handler.Requests, static r => r.Uri.Host == "other.test.local");
        Assert.Contains(host.Logs.GetSnapshot(), static r => r.Id.Name == "WachtCircuitOpened");
    }

    [Fact]
    public async Task Concurrency_is_limited_per_deployment_and_excess_requests_queue()
    {
        var handler = new StubHttpHandler().Always(async (_, ct) =>
        {
            await Task.Delay(50, ct);
            return StubHttpHandler.Json(HttpStatusCode.OK, Fixtures.Apps());
        });
        await using var host = Host(handler, ("MaxConcurrentRequests", "2"));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.Client.ListOAuthAppsAsync()));

        Assert.Equal(8, handler.Requests.Count);
        Assert.InRange(handler.MaxConcurrency, 1, 2);
    }

    [Fact]
    public async Task A_full_queue_rejects_without_sending()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new StubHttpHandler().Always(async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return StubHttpHandler.Json(HttpStatusCode.OK, Fixtures.RotatedSecret);
        });
        await using var host = Host(handler, ("MaxConcurrentRequests", "1"), ("MaxQueuedRequests", "0"));

        var first = host.Client.RotateOAuthClientSecretAsync("reports", ClientId);
        while (handler.Requests.Count == 0)
        {
            await Task.Delay(5);
        }

        var error = await Assert.ThrowsAsync<WachtTransportException>(() => host.Client.RotateOAuthClientSecretAsync("reports", ClientId));
        release.SetResult();
        await first;

        Assert.False(error.RequestMayHaveBeenSent);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Requests_per_second_paces_calls()
    {
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.Apps());
        await using var host = Host(handler, ("RequestsPerSecond", "4"));
        var stopwatch = Stopwatch.StartNew();

        for (var i = 0; i < 5; i++)
        {
            await host.Client.ListOAuthAppsAsync();
        }

        // One token every 250 ms, a burst of one: the fifth call cannot start before ~1 s.
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(900), $"took only {stopwatch.Elapsed}");
        Assert.Equal(5, handler.Requests.Count);
    }

    [Theory]
    [InlineData(0, 500, 250, 500)]
    [InlineData(1, 500, 500, 1000)]
    [InlineData(3, 500, 2000, 4000)]
    [InlineData(10, 500, 15000, 30000)]
    public void Backoff_is_exponential_with_equal_jitter_and_capped(int attempt, int baseMs, int minMs, int maxMs)
    {
        var low = WachtResiliencePipeline.Backoff(attempt, TimeSpan.FromMilliseconds(baseMs), TimeSpan.FromSeconds(30), 0);
        var high = WachtResiliencePipeline.Backoff(attempt, TimeSpan.FromMilliseconds(baseMs), TimeSpan.FromSeconds(30), 1);

        Assert.Equal(TimeSpan.FromMilliseconds(minMs), low);
        Assert.Equal(TimeSpan.FromMilliseconds(maxMs), high);
    }

    [Theory]
    [InlineData(0.5, 1, 2000)]
    [InlineData(4, 1, 250)]
    [InlineData(25, 3, 120)]
    [InlineData(100, 10, 100)]
    public void Token_bucket_matches_the_requested_rate(double rate, int tokens, int periodMs)
    {
        using var limiter = WachtResiliencePipeline.CreateTokenBucket(rate, 10);

        var statistics = limiter.GetStatistics();
        Assert.NotNull(statistics);
        Assert.Equal(tokens, statistics.CurrentAvailablePermits);
        Assert.Equal(TimeSpan.FromMilliseconds(periodMs), limiter.ReplenishmentPeriod);
    }
}
