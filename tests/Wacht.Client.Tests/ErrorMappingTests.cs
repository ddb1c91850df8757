using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Wacht.Client.Tests.Support;

namespace Wacht.Client.Tests;

public sealed class ErrorMappingTests
{
    private const string ClientId = "9223372036854775806";

    private static WachtTestHost NoRetries(StubHttpHandler handler) =>
        WachtTestHost.Create(handler, static s => s[$"Wacht:Deployments:{WachtTestHost.DeploymentId}:MaxRetries"] = "0");

    [Theory]
    [InlineData(400, typeof(WachtBadRequestException), false)]
    [InlineData(401, typeof(WachtUnauthorizedException), false)]
    [InlineData(403, typeof(WachtForbiddenException), false)]
    [InlineData(404, typeof(WachtNotFoundException), false)]
    [InlineData(409, typeof(WachtConflictException), false)]
    [InlineData(422, typeof(WachtApiException), false)]
    [InlineData(429, typeof(WachtRateLimitedException), true)]
    [InlineData(408, typeof(WachtServerException), true)]
    [InlineData(500, typeof(WachtServerException), true)]
    [InlineData(501, typeof(WachtServerException), false)]
    [InlineData(502, typeof(WachtServerException), true)]
    [InlineData(503, typeof(WachtServerException), true)]
    [InlineData(504, typeof(WachtServerException), true)]
    public async Task Error_status_maps_to_its_exception_type_and_transience(int status, Type expectedType, bool transient)
    {
        var handler = new StubHttpHandler().AlwaysError((HttpStatusCode)status, "the server said no");
        await using var host = NoRetries(handler);

        var error = await Assert.ThrowsAnyAsync<WachtApiException>(() => host.Client.ListOAuthClientsAsync("reports"));

        Assert.IsType(expectedType, error);
        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal(transient, error.IsTransient);
        Assert.Equal("the server said no", error.ServerMessage);
        Assert.Equal(WachtTestHost.DeploymentId, error.DeploymentId);
        Assert.Equal("listOAuthClients", error.Operation);
        Assert.Contains("listOAuthClients", error.Message, StringComparison.Ordinal);
        Assert.Contains(WachtTestHost.DeploymentId, error.Message, StringComparison.Ordinal);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Contains("the server said no", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_are_distinguishable_by_catch_clause_without_string_matching()
    {
        var handler = new StubHttpHandler()
            .ThenError(HttpStatusCode.NotFound, "OAuth client not found or inactive")
            .ThenError(HttpStatusCode.BadRequest, "client_secret rotation is not supported for this auth method")
            .ThenError(HttpStatusCode.Conflict, "Resource already exists")
            .ThenError(HttpStatusCode.Unauthorized, "Unauthorized");
        await using var host = NoRetries(handler);
        var outcomes = new List<string>();

        for (var i = 0; i < 4; i++)
        {
            try
            {
                await host.Client.RotateOAuthClientSecretAsync("reports", ClientId);
            }
            catch (WachtNotFoundException)
            {
                outcomes.Add("gone");
            }
            catch (WachtBadRequestException)
            {
                outcomes.Add("not rotatable");
            }
            catch (WachtConflictException)
            {
                outcomes.Add("conflict");
            }
            catch (WachtUnauthorizedException)
            {
                outcomes.Add("bad key");
            }
        }

        Assert.Equal(["gone", "not rotatable", "conflict", "bad key"], outcomes);
    }

    [Fact]
    public async Task Rate_limited_with_retry_after_seconds_carries_it()
    {
        var handler = new StubHttpHandler().AlwaysError(HttpStatusCode.TooManyRequests, "slow down",
            static r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(120)));
        await using var host = WachtTestHost.Create(handler);

        var error = await Assert.ThrowsAsync<WachtRateLimitedException>(() => host.Client.ListOAuthAppsAsync());

        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.True(error.IsTransient);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Rate_limited_with_retry_after_http_date_carries_the_remaining_wait()
    {
        var handler = new StubHttpHandler().AlwaysError(HttpStatusCode.TooManyRequests, "slow down",
            static r => r.Headers.RetryAfter = new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddMinutes(10)));
        await using var host = WachtTestHost.Create(handler);

        var error = await Assert.ThrowsAsync<WachtRateLimitedException>(() => host.Client.ListOAuthAppsAsync());

        Assert.NotNull(error.RetryAfter);
        Assert.InRange(error.RetryAfter.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10.1));
    }

    [Fact]
    public void Retry_after_parser_reads_delta_and_date_relative_to_the_time_provider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
        using var delta = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        delta.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
        using var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        date.Headers.TryAddWithoutValidation("Retry-After", "Thu, 26 Nov 2026 10:00:30 GMT");
        using var past = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        past.Headers.TryAddWithoutValidation("Retry-After", "Thu, 26 Nov 2026 09:00:00 GMT");
        using var none = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.Equal(TimeSpan.FromSeconds(7), RetryAfterParser.Get(delta, time));
        Assert.Equal(TimeSpan.FromSeconds(30), RetryAfterParser.Get(date, time));
        Assert.Equal(TimeSpan.Zero, RetryAfterParser.Get(past, time));
        Assert.Null(RetryAfterParser.Get(none, time));
    }

    [Fact]
    public async Task Service_unavailable_with_long_retry_after_carries_it_on_the_server_exception()
    {
        var handler = new StubHttpHandler().AlwaysError(HttpStatusCode.ServiceUnavailable, "maintenance",
            static r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromMinutes(5)));
        await using var host = WachtTestHost.Create(handler);

        var error = await Assert.ThrowsAsync<WachtServerException>(() => host.Client.ListOAuthAppsAsync());

        Assert.Equal(TimeSpan.FromMinutes(5), error.RetryAfter);
        Assert.Single(handler.Requests);
    }

    [Theory]
    [InlineData("""{"message":"Unauthorized"}""", "Unauthorized")]
    [InlineData("Unauthorized", "Unauthorized")]
    [InlineData("", null)]
    public async Task Server_message_falls_back_to_top_level_message_then_raw_text(string body, string? expected)
    {
        var handler = new StubHttpHandler().ThenStatus(HttpStatusCode.Unauthorized, body);
        await using var host = NoRetries(handler);

        var error = await Assert.ThrowsAsync<WachtUnauthorizedException>(() => host.Client.ListOAuthAppsAsync());

        Assert.Equal(expected, error.ServerMessage);
    }

    [Fact]
    public async Task An_unreadable_success_body_is_a_response_format_error()
    {
        var handler = new StubHttpHandler().ThenStatus(HttpStatusCode.OK, "<html>not json</html>");
        await using var host = NoRetries(handler);

        var error = await Assert.ThrowsAsync<WachtResponseFormatException>(() => host.Client.ListOAuthAppsAsync());

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task A_rotate_answer_without_a_secret_is_a_response_format_error()
    {
        var handler = new StubHttpHandler().ThenJson("""{"client_secret":null}""").ThenJson("{}");
        await using var host = NoRetries(handler);

        await Assert.ThrowsAsync<WachtResponseFormatException>(() => host.Client.RotateOAuthClientSecretAsync("reports", ClientId));
        await Assert.ThrowsAsync<WachtResponseFormatException>(() => host.Client.RotateOAuthClientSecretAsync("reports", ClientId));
    }

    [Fact]
    public async Task A_redirect_is_surfaced_as_a_generic_api_error()
    {
        var handler = new StubHttpHandler().ThenStatus(HttpStatusCode.NotModified);
        await using var host = NoRetries(handler);

        var error = await Assert.ThrowsAsync<WachtApiException>(() => host.Client.ListOAuthAppsAsync());

        Assert.Equal(HttpStatusCode.NotModified, error.StatusCode);
    }

    [Fact]
    public async Task Secrets_and_the_api_key_echoed_by_the_server_are_redacted_from_the_exception()
    {
        var echo = $"invalid client_secret {Fixtures.Secret} for key {WachtTestHost.ApiKey}, header Bearer {WachtTestHost.ApiKey}";
        var handler = new StubHttpHandler().ThenError(HttpStatusCode.BadRequest, echo);
        await using var host = NoRetries(handler);

        var error = await Assert.ThrowsAsync<WachtBadRequestException>(() => host.Client.CreateOAuthClientAsync("reports", new CreateOAuthClientRequest
        {
            ClientAuthMethod = ClientAuthMethods.ClientSecretBasic,
            GrantTypes = [GrantTypes.AuthorizationCode],
        }));

        foreach (var text in new[] { error.Message, error.ServerMessage!, error.ToString() })
        {
            Assert.DoesNotContain(Fixtures.Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(WachtTestHost.ApiKey, text, StringComparison.Ordinal);
            Assert.Contains("[REDACTED]", text, StringComparison.Ordinal);
        }
    }
}
