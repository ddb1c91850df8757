using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Wacht.Emulator.Tests;

public sealed class FaultTests
{
    private const string Rotate = "apps/crm/clients/" + TestWorld.BasicClientId + "/rotate-secret";

    [Fact]
    public async Task Latency_DelaysTheResponse()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.ListOAuthApps, LatencyMs = 300 });

        var stopwatch = Stopwatch.StartNew();
        var response = await api.GetAsync("apps");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.True(stopwatch.ElapsedMilliseconds >= 280, $"answered after {stopwatch.ElapsedMilliseconds} ms");
    }

    [Theory]
    [InlineData(500, "Something went wrong")]
    [InlineData(502, "Bad gateway")]
    [InlineData(503, "Service unavailable")]
    [InlineData(504, "Operation timed out")]
    public async Task ErrorStatus_AnswersTheEnvelopeAndDoesNotExecute(int status, string message)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Platform);
        emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.RotateOAuthClientSecret, ErrorStatus = status });

        var response = await api.PostAsync(Rotate);

        response.AssertError((HttpStatusCode)status, message);
        Assert.True(emulator.IsCurrentSecret(TestWorld.BasicPublicId, TestWorld.BasicSecret));
        Assert.Equal(1, emulator.Calls.Count(OAuthOperations.RotateOAuthClientSecret, TestWorld.DeploymentA));
    }

    [Fact]
    public async Task ErrorRate_FailsOnlyAShareOfRequests_Deterministically()
    {
        async Task<List<HttpStatusCode>> RunAsync()
        {
            await using var emulator = await TestWorld.StartAsync(o => o.FaultRandomSeed = 1234);
            using var api = TestApi.For(emulator, PathStyle.Backend);
            emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.ListOAuthApps, ErrorStatus = 503, ErrorRate = 0.5 });
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 40; i++)
            {
                statuses.Add((await api.GetAsync("apps")).Status);
            }

            return statuses;
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Contains(HttpStatusCode.OK, first);
        Assert.Contains(HttpStatusCode.ServiceUnavailable, first);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task ErrorRateZero_NeverFails()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        emulator.Faults.Add(new FaultRule { ErrorStatus = 500, ErrorRate = 0 });

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("apps")).Status);
        }
    }

    [Fact]
    public async Task TooManyRequests_CarriesRetryAfter()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.ListOAuthGrants, ErrorStatus = 429, RetryAfterSeconds = 3 });

        var response = await api.GetAsync("apps/crm/clients/" + TestWorld.BasicClientId + "/grants");

        response.AssertError(HttpStatusCode.TooManyRequests, "Too many requests");
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Stall_BeyondTheClientTimeout_StillRotates()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.RotateOAuthClientSecret, StallMs = 3_000 });
        using var callerTimeout = new CancellationTokenSource();

        // The caller gives up once the request has reached the server (arrivals are counted before the stall).
        var call = api.Http.PostAsync(api.PathOf(Rotate), content: null, callerTimeout.Token);
        await WaitUntilAsync(() => emulator.Calls.Count(OAuthOperations.RotateOAuthClientSecret) == 1);
        await callerTimeout.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.True(emulator.IsCurrentSecret(TestWorld.BasicPublicId, TestWorld.BasicSecret), "the stall holds the request before it is handled");
        await WaitUntilAsync(() => !emulator.IsCurrentSecret(TestWorld.BasicPublicId, TestWorld.BasicSecret));
        Assert.False(emulator.IsCurrentSecret(TestWorld.BasicPublicId, TestWorld.BasicSecret), "the server rotated after the caller gave up");
        Assert.Equal(1, emulator.Calls.Count(OAuthOperations.RotateOAuthClientSecret));
    }

    [Fact]
    public async Task LoseResponse_RotatesButTheCallerSeesNoAnswer()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Platform);
        emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.RotateOAuthClientSecret, LoseResponse = true, Remaining = 1 });

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => api.PostAsync(Rotate));

        Assert.False(emulator.IsCurrentSecret(TestWorld.BasicPublicId, TestWorld.BasicSecret));
        Assert.Equal(1, emulator.Calls.Count(OAuthOperations.RotateOAuthClientSecret, TestWorld.DeploymentA));
        Assert.Empty(emulator.Faults.Rules);

        var next = await api.PostAsync(Rotate);
        Assert.Equal(HttpStatusCode.OK, next.Status);
        Assert.True(emulator.IsCurrentSecret(TestWorld.BasicPublicId, next.Json.GetProperty("client_secret").GetString()!));
    }

    [Fact]
    public async Task Remaining_FailsTheFirstTwoCallsThenExpires()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.ListOAuthApps, ErrorStatus = 503, Remaining = 2 });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await api.GetAsync("apps")).Status);
        Assert.Equal(1, Assert.Single(emulator.Faults.Rules).Remaining);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await api.GetAsync("apps")).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("apps")).Status);
        Assert.Empty(emulator.Faults.Rules);
        Assert.Equal(3, emulator.Calls.Count(OAuthOperations.ListOAuthApps));
    }

    [Fact]
    public async Task DeploymentFilter_LeavesOtherDeploymentsAlone()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var apiA = TestApi.For(emulator, PathStyle.Backend, TestWorld.DeploymentA);
        using var apiB = TestApi.For(emulator, PathStyle.Backend, TestWorld.DeploymentB);
        emulator.Faults.Add(new FaultRule { DeploymentId = TestWorld.DeploymentB, ErrorStatus = 502 });

        Assert.Equal(HttpStatusCode.OK, (await apiA.GetAsync("apps")).Status);
        Assert.Equal(HttpStatusCode.BadGateway, (await apiB.GetAsync("apps")).Status);
    }

    [Fact]
    public async Task FaultsOverHttp_PutGetDelete()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var (putStatus, putBody) = await SurfaceClient.SendAsync(emulator, HttpMethod.Put, "_emulator/faults",
            """{"rules":[{"operation":"listOAuthApps","error_status":429,"retry_after_seconds":5,"remaining":1}]}""");
        Assert.Equal(HttpStatusCode.OK, putStatus);
        var rule = JsonDocument.Parse(putBody).RootElement.GetProperty("rules")[0];
        Assert.Equal("listOAuthApps", rule.GetProperty("operation").GetString());
        Assert.Equal(1.0, rule.GetProperty("error_rate").GetDouble());
        Assert.Equal(1, rule.GetProperty("remaining").GetInt32());

        var limited = await api.GetAsync("apps");
        limited.AssertError(HttpStatusCode.TooManyRequests);
        Assert.Equal("5", limited.Headers.GetValues("Retry-After").Single());

        await SurfaceClient.SendAsync(emulator, HttpMethod.Put, "_emulator/faults", """{"rules":[{"error_status":503}]}""");
        var (_, listed) = await SurfaceClient.SendAsync(emulator, HttpMethod.Get, "_emulator/faults");
        Assert.Equal("*", JsonDocument.Parse(listed).RootElement.GetProperty("rules")[0].GetProperty("operation").GetString());

        var (deleteStatus, _) = await SurfaceClient.SendAsync(emulator, HttpMethod.Delete, "_emulator/faults");
        Assert.Equal(HttpStatusCode.NoContent, deleteStatus);
        Assert.Empty(emulator.Faults.Rules);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("apps")).Status);
    }

    [Fact]
    public async Task InvalidRuleOverHttp_Answers400()
    {
        await using var emulator = await TestWorld.StartAsync();

        var (status, body) = await SurfaceClient.SendAsync(emulator, HttpMethod.Put, "_emulator/faults", """{"rules":[{"operation":"rotateEverything","error_status":503}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("unknown operation", body, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidRuleInProcess_Throws()
    {
        var faults = new FaultInjector(1);

        Assert.Throws<ArgumentException>(() => faults.Add(new FaultRule { ErrorStatus = 200 }));
        Assert.Throws<ArgumentException>(() => faults.Add(new FaultRule { ErrorStatus = 503, ErrorRate = 1.5 }));
        Assert.Throws<ArgumentException>(() => faults.Add(new FaultRule { Remaining = 0 }));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition() && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(20);
        }
    }
}
