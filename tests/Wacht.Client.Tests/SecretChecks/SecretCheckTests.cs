using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Wacht.Client.Tests.Support;

namespace Wacht.Client.Tests;

public sealed class SecretCheckTests
{
    private const string Fqdn = "auth.example.com";
    private const string PublicClientId = "oc_client_5f2b8e";
    private const string Inactive = """{"active":false}""";
    private static readonly ClientSecret Secret = new(Fixtures.Secret);

    [Fact]
    public async Task Basic_sends_form_urlencoded_credentials_in_the_authorization_header_only()
    {
        var handler = new StubHttpHandler().AlwaysJson(Inactive);
        await using var host = WachtTestHost.Create(handler);

        var result = await host.Client.CheckClientSecretAsync(Fqdn, "oc:odd id+", ClientAuthMethods.ClientSecretBasic, new ClientSecret("s3cret:with space+%"));

        Assert.Equal(SecretCheck.Accepted, result);
        var request = handler.SingleRequest;
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri("https://auth.example.com/oauth/introspect"), request.Uri);
        Assert.Equal("Basic", request.Authorization?.Scheme);
        Assert.Equal("oc%3Aodd+id%2B:s3cret%3Awith+space%2B%25", Encoding.UTF8.GetString(Convert.FromBase64String(request.Authorization!.Parameter!)));
        var form = Form(request);
        Assert.Equal(["token"], form.Keys);
        Assert.StartsWith("wacht-secret-check-", form["token"], StringComparison.Ordinal);
        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
        Assert.Equal("checkClientSecret", request.Operation);
        Assert.Equal(WachtTestHost.DeploymentId, request.DeploymentId);
        Assert.DoesNotContain(WachtTestHost.ApiKey, string.Join("\n", request.Headers.Values), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_sends_client_id_and_secret_in_the_form()
    {
        var handler = new StubHttpHandler().AlwaysJson(Inactive);
        await using var host = WachtTestHost.Create(handler);

        await host.Client.CheckClientSecretAsync(Fqdn, PublicClientId, ClientAuthMethods.ClientSecretPost, Secret);

        var request = handler.SingleRequest;
        Assert.Null(request.Authorization);
        var form = Form(request);
        Assert.Equal(["token", "client_id", "client_secret"], form.Keys);
        Assert.Equal(PublicClientId, form["client_id"]);
        Assert.Equal(Fixtures.Secret, form["client_secret"]);
    }

    [Fact]
    public async Task Jwt_sends_an_hs256_assertion_for_the_introspect_audience()
    {
        var handler = new StubHttpHandler().AlwaysJson(Inactive);
        await using var host = WachtTestHost.Create(handler);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        await host.Client.CheckClientSecretAsync(Fqdn, PublicClientId, ClientAuthMethods.ClientSecretJwt, Secret);

        var request = handler.SingleRequest;
        Assert.Null(request.Authorization);
        var form = Form(request);
        Assert.Equal(["token", "client_id", "client_assertion_type", "client_assertion"], form.Keys);
        Assert.Equal(PublicClientId, form["client_id"]);
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", form["client_assertion_type"]);
        var (header, claims) = VerifyJwt(form["client_assertion"], Fixtures.Secret, "HS256");
        Assert.Equal("HS256", header.GetProperty("alg").GetString());
        Assert.Equal(PublicClientId, claims.GetProperty("iss").GetString());
        Assert.Equal(PublicClientId, claims.GetProperty("sub").GetString());
        Assert.Equal("https://auth.example.com/oauth/introspect", claims.GetProperty("aud").GetString());
        Assert.Matches("^[0-9a-f]{32}$", claims.GetProperty("jti").GetString());
        // Backdated by 60 s and valid for 120 s: two minutes of clock skew either way still pass the platform's rules.
        var iat = claims.GetProperty("iat").GetInt64();
        Assert.InRange(iat, before - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60);
        Assert.Equal(180, claims.GetProperty("exp").GetInt64() - iat);
    }

    [Fact]
    public async Task Jwt_of_a_listed_client_signs_with_its_token_endpoint_auth_signing_alg()
    {
        var handler = new StubHttpHandler().AlwaysJson(Inactive);
        await using var host = WachtTestHost.Create(handler);
        var client = new OAuthClient
        {
            Id = "9223372036854775806",
            ClientId = PublicClientId,
            ClientAuthMethod = ClientAuthMethods.ClientSecretJwt,
            TokenEndpointAuthSigningAlg = "HS512",
        };

        Assert.Equal(SecretCheck.Accepted, await host.Client.CheckClientSecretAsync(Fqdn, client, Secret));

        var (header, _) = VerifyJwt(Form(handler.SingleRequest)["client_assertion"], Fixtures.Secret, "HS512");
        Assert.Equal("HS512", header.GetProperty("alg").GetString());
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080/", "http://127.0.0.1:5080/oauth/introspect", "auth.example.com")]
    [InlineData("http://127.0.0.1:5080/gateway/", "http://127.0.0.1:5080/gateway/oauth/introspect", "auth.example.com")]
    [InlineData("http://{fqdn}.localtest.me:8080", "http://auth.example.com.localtest.me:8080/oauth/introspect", null)]
    [InlineData("https://{fqdn}/", "https://auth.example.com/oauth/introspect", null)]
    public async Task RuntimeBaseUrl_is_a_template_or_a_fixed_base_with_the_host_header(string setting, string expectedUri, string? expectedHost)
    {
        var handler = new StubHttpHandler().AlwaysJson(Inactive);
        await using var host = WachtTestHost.Create(handler, s => s[$"Wacht:Deployments:{WachtTestHost.DeploymentId}:RuntimeBaseUrl"] = setting);

        await host.Client.CheckClientSecretAsync("Auth.Example.com", PublicClientId, ClientAuthMethods.ClientSecretPost, Secret);

        var request = handler.SingleRequest;
        Assert.Equal(new Uri(expectedUri), request.Uri);
        Assert.Equal(expectedHost, request.Headers.TryGetValue("Host", out var sent) ? sent : null);
    }

    public static TheoryData<HttpStatusCode, string, string, SecretCheck> Verdicts() => new()
    {
        { HttpStatusCode.OK, """{"active":false}""", ClientAuthMethods.ClientSecretBasic, SecretCheck.Accepted },
        { HttpStatusCode.OK, """{"active":true,"scope":"x"}""", ClientAuthMethods.ClientSecretPost, SecretCheck.Accepted },
        { HttpStatusCode.Unauthorized, """{"error":"invalid_client"}""", ClientAuthMethods.ClientSecretBasic, SecretCheck.Rejected },
        { HttpStatusCode.Unauthorized, """{"error":"invalid_client"}""", ClientAuthMethods.ClientSecretJwt, SecretCheck.Rejected },
        { HttpStatusCode.BadRequest, """{"error":"invalid_request","error_description":"Invalid token: InvalidSignature"}""", ClientAuthMethods.ClientSecretJwt, SecretCheck.Rejected },
    };

    [Theory]
    [MemberData(nameof(Verdicts))]
    public async Task Answers_map_to_a_verdict(HttpStatusCode status, string body, string method, SecretCheck expected)
    {
        var handler = new StubHttpHandler().AlwaysJson(body, status);
        await using var host = WachtTestHost.Create(handler);

        Assert.Equal(expected, await host.Client.CheckClientSecretAsync(Fqdn, PublicClientId, method, Secret));
        Assert.Single(handler.Requests);
    }

    public static TheoryData<HttpStatusCode, string, string, Type> Errors() => new()
    {
        { HttpStatusCode.NotFound, """{"error":"not_found","error_description":"OAuth app not found for host"}""", ClientAuthMethods.ClientSecretBasic, typeof(WachtAppHostNotFoundException) },
        { HttpStatusCode.BadRequest, """{"error":"invalid_request","error_description":"token is required"}""", ClientAuthMethods.ClientSecretBasic, typeof(WachtBadRequestException) },
        { HttpStatusCode.BadRequest, """{"error":"invalid_request","error_description":"Invalid token: InvalidSignature"}""", ClientAuthMethods.ClientSecretPost, typeof(WachtBadRequestException) },
        { HttpStatusCode.Unauthorized, """{"errors":[{"message":"Unauthorized","code":401}]}""", ClientAuthMethods.ClientSecretBasic, typeof(WachtApiException) },
        { HttpStatusCode.Forbidden, "", ClientAuthMethods.ClientSecretBasic, typeof(WachtForbiddenException) },
        { HttpStatusCode.Found, "", ClientAuthMethods.ClientSecretBasic, typeof(WachtApiException) },
        { HttpStatusCode.OK, "<html>welcome</html>", ClientAuthMethods.ClientSecretBasic, typeof(WachtResponseFormatException) },
        { HttpStatusCode.OK, """{"apps":[]}""", ClientAuthMethods.ClientSecretBasic, typeof(WachtResponseFormatException) },
        { HttpStatusCode.NotImplemented, "", ClientAuthMethods.ClientSecretBasic, typeof(WachtServerException) },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Other_answers_are_permanent_errors_not_verdicts(HttpStatusCode status, string body, string method, Type expected)
    {
        var handler = new StubHttpHandler().AlwaysJson(body, status);
        await using var host = WachtTestHost.Create(handler);

        var error = await Assert.ThrowsAnyAsync<WachtException>(() => host.Client.CheckClientSecretAsync(Fqdn, PublicClientId, method, Secret));

        Assert.IsType(expected, error);
        Assert.False(error.IsTransient);
        Assert.Equal("checkClientSecret", error.Operation);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_404_names_the_host()
    {
        var handler = new StubHttpHandler().AlwaysJson("""{"error":"not_found"}""", HttpStatusCode.NotFound);
        await using var host = WachtTestHost.Create(handler);

        var error = await Assert.ThrowsAsync<WachtAppHostNotFoundException>(() => host.Client.CheckClientSecretAsync("AUTH.example.com", PublicClientId, ClientAuthMethods.ClientSecretBasic, Secret));

        Assert.Equal("auth.example.com", error.AppHost);
        Assert.Contains("auth.example.com", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ClientAuthMethods.None)]
    [InlineData(ClientAuthMethods.PrivateKeyJwt)]
    public async Task Methods_without_a_secret_are_not_applicable_and_send_nothing(string method)
    {
        var handler = new StubHttpHandler();
        await using var host = WachtTestHost.Create(handler);

        Assert.Equal(SecretCheck.NotApplicable, await host.Client.CheckClientSecretAsync(Fqdn, PublicClientId, method, Secret));
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("evil.example.com/x")]
    [InlineData("evil.example.com:8443")]
    [InlineData("user@evil.example.com")]
    [InlineData("auth.example.com.")]
    [InlineData("-auth.example.com")]
    [InlineData("auth example.com")]
    [InlineData("auth.example.com?x=1")]
    [InlineData("auth.exa_mple.com")]
    [InlineData("[::1]")]
    public async Task An_fqdn_that_is_not_a_plain_host_name_is_refused_before_any_call(string fqdn)
    {
        var handler = new StubHttpHandler().AlwaysJson(Inactive);
        await using var host = WachtTestHost.Create(handler, s => s[$"Wacht:Deployments:{WachtTestHost.DeploymentId}:RuntimeBaseUrl"] = "http://127.0.0.1:5080/");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => host.Client.CheckClientSecretAsync(fqdn, PublicClientId, ClientAuthMethods.ClientSecretBasic, Secret));

        Assert.Equal("appFqdn", error.ParamName);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Unknown_auth_methods_and_algorithms_are_refused_before_any_call()
    {
        var handler = new StubHttpHandler().AlwaysJson(Inactive);
        await using var host = WachtTestHost.Create(handler);

        await Assert.ThrowsAsync<ArgumentException>(() => host.Client.CheckClientSecretAsync(Fqdn, PublicClientId, "tls_client_auth", Secret));
        await Assert.ThrowsAsync<ArgumentException>(() => host.Client.CheckClientSecretAsync(Fqdn, new OAuthClient
        {
            Id = "1",
            ClientId = PublicClientId,
            ClientAuthMethod = ClientAuthMethods.ClientSecretJwt,
            TokenEndpointAuthSigningAlg = "RS256",
        }, Secret));
        await Assert.ThrowsAsync<ArgumentException>(() => host.Client.CheckClientSecretAsync(Fqdn, " ", ClientAuthMethods.ClientSecretBasic, Secret));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Transient_answers_are_retried_and_every_jwt_attempt_has_a_fresh_jti()
    {
        var handler = new StubHttpHandler()
            .ThenError(HttpStatusCode.ServiceUnavailable)
            .ThenConnectionReset()
            .ThenJson("""{"error":"server_error"}""", HttpStatusCode.BadGateway)
            .AlwaysJson(Inactive);
        await using var host = WachtTestHost.Create(handler);

        var result = await host.Client.CheckClientSecretAsync(Fqdn, PublicClientId, ClientAuthMethods.ClientSecretJwt, Secret);

        Assert.Equal(SecretCheck.Accepted, result);
        Assert.Equal(4, handler.Requests.Count);
        var assertions = handler.Requests.Select(r => Form(r)["client_assertion"]).ToList();
        var jtis = assertions.Select(a => VerifyJwt(a, Fixtures.Secret, "HS256").Claims.GetProperty("jti").GetString()).ToList();
        Assert.Equal(4, jtis.Distinct().Count());
        Assert.Equal(4, handler.Requests.Select(r => Form(r)["token"]).Distinct().Count());
    }

    [Fact]
    public async Task An_attempt_that_times_out_is_retried()
    {
        var handler = new StubHttpHandler().ThenStall().AlwaysJson("""{"error":"invalid_client"}""", HttpStatusCode.Unauthorized);
        await using var host = WachtTestHost.Create(handler, s => s[$"Wacht:Deployments:{WachtTestHost.DeploymentId}:RequestTimeout"] = "00:00:00.200");

        Assert.Equal(SecretCheck.Rejected, await host.Client.CheckClientSecretAsync(Fqdn, PublicClientId, ClientAuthMethods.ClientSecretPost, Secret));
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Retries_are_bounded_and_end_in_a_transient_error()
    {
        var handler = new StubHttpHandler().AlwaysError(HttpStatusCode.ServiceUnavailable);
        await using var host = WachtTestHost.Create(handler);

        var error = await Assert.ThrowsAsync<WachtServerException>(() => host.Client.CheckClientSecretAsync(Fqdn, PublicClientId, ClientAuthMethods.ClientSecretBasic, Secret));

        Assert.True(error.IsTransient);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(1 + 3, handler.Requests.Count); // MaxRetries defaults to 3
    }

    [Fact]
    public async Task Network_failures_through_the_retries_end_in_a_transport_error()
    {
        var handler = new StubHttpHandler().Always((_, _) => Task.FromException<HttpResponseMessage>(
            new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (auth.example.com:443)")));
        await using var host = WachtTestHost.Create(handler, s => s[$"Wacht:Deployments:{WachtTestHost.DeploymentId}:MaxRetries"] = "1");

        var error = await Assert.ThrowsAsync<WachtTransportException>(() => host.Client.CheckClientSecretAsync(Fqdn, PublicClientId, ClientAuthMethods.ClientSecretBasic, Secret));

        Assert.True(error.IsTransient);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task The_total_timeout_ends_a_check_that_never_gets_an_answer()
    {
        var handler = new StubHttpHandler().AlwaysStall();
        await using var host = WachtTestHost.Create(handler, s =>
        {
            s[$"Wacht:Deployments:{WachtTestHost.DeploymentId}:RequestTimeout"] = "00:00:00.100";
            s[$"Wacht:Deployments:{WachtTestHost.DeploymentId}:TotalTimeout"] = "00:00:00.250";
            s[$"Wacht:Deployments:{WachtTestHost.DeploymentId}:MaxRetries"] = "10";
        });

        var error = await Assert.ThrowsAsync<WachtTransportException>(() => host.Client.CheckClientSecretAsync(Fqdn, PublicClientId, ClientAuthMethods.ClientSecretBasic, Secret));

        Assert.True(error.IsTransient);
        Assert.InRange(handler.Requests.Count, 1, 10);
    }

    [Fact]
    public async Task A_retry_after_longer_than_allowed_ends_the_retries()
    {
        var handler = new StubHttpHandler().AlwaysError(HttpStatusCode.TooManyRequests, "slow down", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromMinutes(10)));
        await using var host = WachtTestHost.Create(handler);

        var error = await Assert.ThrowsAsync<WachtRateLimitedException>(() => host.Client.CheckClientSecretAsync(Fqdn, PublicClientId, ClientAuthMethods.ClientSecretBasic, Secret));

        Assert.Equal(TimeSpan.FromMinutes(10), error.RetryAfter);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_rejection_is_not_retried()
    {
        var handler = new StubHttpHandler().AlwaysJson("""{"error":"invalid_client"}""", HttpStatusCode.Unauthorized);
        await using var host = WachtTestHost.Create(handler);

        Assert.Equal(SecretCheck.Rejected, await host.Client.CheckClientSecretAsync(Fqdn, PublicClientId, ClientAuthMethods.ClientSecretBasic, Secret));
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Caller_cancellation_is_an_operation_cancelled_exception()
    {
        var handler = new StubHttpHandler().AlwaysStall();
        await using var host = WachtTestHost.Create(handler);
        using var cancel = new CancellationTokenSource();

        var check = host.Client.CheckClientSecretAsync(Fqdn, PublicClientId, ClientAuthMethods.ClientSecretBasic, Secret, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => check);
    }

    [Fact]
    public async Task The_secret_and_what_derives_from_it_never_reach_logs_or_exceptions()
    {
        // A server that echoes every credential it got into its error descriptions, and fails in every way.
        static Task<HttpResponseMessage> Echo(RecordedRequest request, HttpStatusCode status) =>
            Task.FromResult(StubHttpHandler.Json(status, JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["error"] = "invalid_request",
                ["error_description"] = $"got {request.BodyText} with {request.Authorization}",
            })));
        var handler = new StubHttpHandler()
            .Then((r, _) => Echo(r, HttpStatusCode.BadRequest))
            .Then((r, _) => Echo(r, HttpStatusCode.BadRequest))
            .Then((r, _) => Echo(r, HttpStatusCode.BadRequest))
            .Then((r, _) => Echo(r, HttpStatusCode.NotFound))
            .Then((r, _) => Task.FromException<HttpResponseMessage>(new HttpRequestException($"broken pipe after {r.BodyText} {r.Authorization}")))
            .Then((r, _) => Task.FromException<HttpResponseMessage>(new HttpRequestException($"broken pipe after {r.BodyText} {r.Authorization}")))
            .AlwaysJson(Inactive);
        await using var host = WachtTestHost.Create(handler, s => s[$"Wacht:Deployments:{WachtTestHost.DeploymentId}:MaxRetries"] = "1");
        var texts = new List<string>();

        foreach (var method in new[] { ClientAuthMethods.ClientSecretBasic, ClientAuthMethods.ClientSecretPost, ClientAuthMethods.ClientSecretJwt, ClientAuthMethods.ClientSecretBasic, ClientAuthMethods.ClientSecretJwt })
        {
            texts.Add((await Assert.ThrowsAnyAsync<WachtException>(() => host.Client.CheckClientSecretAsync(Fqdn, PublicClientId, method, Secret))).ToString());
        }

        await host.Client.CheckClientSecretAsync(Fqdn, PublicClientId, ClientAuthMethods.ClientSecretJwt, Secret);
        texts.Add(string.Join("\n", host.Logs.GetSnapshot().Select(l => $"{l.Message} {l.Exception} {string.Join(",", l.StructuredState ?? [])}")));

        Assert.Contains("invalid_request", texts[0], StringComparison.Ordinal); // the echo reached the message, redacted
        var derived = handler.Requests.SelectMany(r => new[] { r.Authorization?.Parameter, Form(r).GetValueOrDefault("client_assertion") }).OfType<string>().ToList();
        Assert.NotEmpty(derived);
        foreach (var text in texts)
        {
            Assert.DoesNotContain(Fixtures.Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Fixtures.Secret["oc_secret_".Length..], text, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(Fixtures.Secret), text, StringComparison.Ordinal);
            foreach (var value in derived)
            {
                Assert.DoesNotContain(value, text, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>The form body, fields in order (application/x-www-form-urlencoded).</summary>
    private static Dictionary<string, string> Form(RecordedRequest request) =>
        request.BodyText.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(static pair => pair.Split('=', 2))
            .ToDictionary(static kv => Decode(kv[0]), static kv => kv.Length > 1 ? Decode(kv[1]) : "");

    private static string Decode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    private static (JsonElement Header, JsonElement Claims) VerifyJwt(string jwt, string secret, string algorithm)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        var key = Encoding.UTF8.GetBytes(secret);
        var data = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var expected = algorithm switch
        {
            "HS512" => HMACSHA512.HashData(key, data),
            "HS384" => HMACSHA384.HashData(key, data),
            _ => HMACSHA256.HashData(key, data),
        };
        Assert.Equal(Base64Url.EncodeToString(expected), parts[2]);
        return (JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement.Clone(), JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement.Clone());
    }
}
