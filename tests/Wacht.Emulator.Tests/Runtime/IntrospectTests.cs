using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Wacht.Emulator.Tests;

public sealed class IntrospectTests
{
    private const string Host = RuntimeWorld.CrmHost;
    private static readonly KeyValuePair<string, string>[] TokenOnly = RuntimeApi.Form(("token", "some-unknown-token"));

    [Fact]
    public async Task Basic_CurrentSecret_AnswersInactiveToken()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);

        var response = await api.IntrospectAsync(Host, TokenOnly, RuntimeApi.Basic(TestWorld.BasicPublicId, TestWorld.BasicSecret));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("""{"active":false}""", response.Body);
        Assert.Equal("application/json", response.ContentHeaders?.ContentType?.MediaType);
    }

    public static TheoryData<string, string> WrongBasicCredentials() => new()
    {
        { TestWorld.BasicPublicId, TestWorld.BasicSecret + "x" },
        { TestWorld.BasicPublicId, TestWorld.PostSecret },
        { "oc_no_such_client", TestWorld.BasicSecret },
        { TestWorld.InactivePublicId, TestWorld.InactiveSecret },
        { RuntimeWorld.PrivateKeyJwtPublicId, "anything" },
    };

    [Theory]
    [MemberData(nameof(WrongBasicCredentials))]
    public async Task NotAuthenticated_Answers401InvalidClientWithChallenge(string clientId, string secret)
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);

        var response = await api.IntrospectAsync(Host, TokenOnly, RuntimeApi.Basic(clientId, secret));

        AssertInvalidClient(response);
    }

    [Fact]
    public async Task Basic_ClientWithCredentialsInTheForm_IsNotAuthenticated()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);

        var response = await api.IntrospectAsync(Host, RuntimeApi.Form(("token", "t"), ("client_id", TestWorld.BasicPublicId), ("client_secret", TestWorld.BasicSecret)));

        AssertInvalidClient(response);
    }

    [Fact]
    public async Task Basic_CredentialsAreFormUrlDecoded()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);

        var encoded = await api.IntrospectAsync(Host, TokenOnly, RuntimeApi.Basic(RuntimeWorld.OddPublicId, RuntimeWorld.OddSecret));
        var raw = await api.IntrospectAsync(Host, TokenOnly, new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(RuntimeWorld.OddPublicId + ":" + RuntimeWorld.OddSecret))));

        Assert.Equal(HttpStatusCode.OK, encoded.Status);
        AssertInvalidClient(raw); // the raw ':' in the client_id splits the pair in the wrong place
    }

    [Theory]
    [InlineData("Basic !!!not-base64")]
    [InlineData("Basic Om9ubHktc2VjcmV0")] // ":only-secret"
    [InlineData("Basic b25seS1pZDo=")] // "only-id:"
    public async Task MalformedBasicHeader_Is401(string header)
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);
        var parts = header.Split(' ', 2);

        var response = await api.IntrospectAsync(Host, TokenOnly, new AuthenticationHeaderValue(parts[0], parts[1]));

        AssertInvalidClient(response);
    }

    [Fact]
    public async Task Post_CurrentSecretAuthenticates_MissingOrWrongSecretDoesNot()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);

        var ok = await api.IntrospectAsync(Host, RuntimeApi.Form(("token", "t"), ("client_id", TestWorld.PostPublicId), ("client_secret", TestWorld.PostSecret)));
        var wrong = await api.IntrospectAsync(Host, RuntimeApi.Form(("token", "t"), ("client_id", TestWorld.PostPublicId), ("client_secret", TestWorld.BasicSecret)));
        var missing = await api.IntrospectAsync(Host, RuntimeApi.Form(("token", "t"), ("client_id", TestWorld.PostPublicId)));
        var viaBasic = await api.IntrospectAsync(Host, TokenOnly, RuntimeApi.Basic(TestWorld.PostPublicId, TestWorld.PostSecret));

        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal("""{"active":false}""", ok.Body);
        AssertInvalidClient(wrong);
        AssertInvalidClient(missing);
        AssertInvalidClient(viaBasic); // client_id from Basic, but a post client's secret must come in the form
    }

    [Fact]
    public async Task AfterRotation_OnlyTheNewSecretAuthenticates()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);
        using var management = TestApi.For(emulator, PathStyle.Backend);

        var rotated = await management.PostAsync("apps/crm/clients/" + TestWorld.BasicClientId + "/rotate-secret");
        var secret = rotated.Json.GetProperty("client_secret").GetString()!;

        AssertInvalidClient(await api.IntrospectAsync(Host, TokenOnly, RuntimeApi.Basic(TestWorld.BasicPublicId, TestWorld.BasicSecret)));
        Assert.Equal(HttpStatusCode.OK, (await api.IntrospectAsync(Host, TokenOnly, RuntimeApi.Basic(TestWorld.BasicPublicId, secret))).Status);
    }

    [Fact]
    public async Task DeactivatedClient_IsNotAuthenticated()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);
        using var management = TestApi.For(emulator, PathStyle.Backend);
        Assert.Equal(HttpStatusCode.OK, (await api.IntrospectAsync(Host, TokenOnly, RuntimeApi.Basic(TestWorld.BasicPublicId, TestWorld.BasicSecret))).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await management.DeleteAsync("apps/crm/clients/" + TestWorld.BasicClientId)).Status);

        AssertInvalidClient(await api.IntrospectAsync(Host, TokenOnly, RuntimeApi.Basic(TestWorld.BasicPublicId, TestWorld.BasicSecret)));
    }

    [Fact]
    public async Task NoneClient_IsIdentifiedByItsClientIdAlone_AsOnThePlatform()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);

        var response = await api.IntrospectAsync(Host, RuntimeApi.Form(("token", "t"), ("client_id", RuntimeWorld.NonePublicId)));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("""{"active":false}""", response.Body);
    }

    [Fact]
    public async Task ClientOfAnotherApp_IsNotAuthenticatedOnThisHost()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);

        var response = await api.IntrospectAsync(RuntimeWorld.BillingHost, TokenOnly, RuntimeApi.Basic(TestWorld.BasicPublicId, TestWorld.BasicSecret));

        AssertInvalidClient(response);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task EmptyOrMissingToken_Is400_BeforeAuthentication(string? token)
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);
        var form = token is null ? [] : RuntimeApi.Form(("token", token));

        var valid = await api.IntrospectAsync(Host, form, RuntimeApi.Basic(TestWorld.BasicPublicId, TestWorld.BasicSecret));
        var invalid = await api.IntrospectAsync(Host, form, RuntimeApi.Basic(TestWorld.BasicPublicId, "wrong"));

        foreach (var response in new[] { valid, invalid })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.Status);
            Assert.Equal("""{"error":"invalid_request","error_description":"token is required"}""", response.Body);
        }
    }

    [Theory]
    [InlineData("unknown.example.com")]
    [InlineData("127.0.0.1")]
    [InlineData(RuntimeWorld.InactiveAppHost)]
    public async Task HostThatIsNoActiveAppsFqdn_Is404(string host)
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);

        var response = await api.IntrospectAsync(host, TokenOnly, RuntimeApi.Basic(RuntimeWorld.RetiredAppClientPublicId, TestWorld.MakeSecret(8)));

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("not_found", response.Json.GetProperty("error").GetString());
        Assert.Equal(1, emulator.Calls.Count(OAuthOperations.OAuthIntrospect, OAuthOperations.UnknownHostDeployment));
    }

    [Theory]
    [InlineData("AUTH.CRM.Example.COM")]
    [InlineData("auth.crm.example.com:8443")]
    public async Task Host_IsMatchedCaseInsensitively_AndWithoutItsPort(string host)
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);

        var response = await api.IntrospectAsync(host, TokenOnly, RuntimeApi.Basic(TestWorld.BasicPublicId, TestWorld.BasicSecret));

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task NotAForm_Is415()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);

        var response = await api.PostAsync("oauth/introspect", Host, TestApi.Json("""{"token":"t"}"""), RuntimeApi.Basic(TestWorld.BasicPublicId, TestWorld.BasicSecret));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
        Assert.Equal("invalid_request", response.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Revoke_AuthenticatesTheSameWay_AndAnswersRevoked()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);

        var ok = await api.RevokeAsync(Host, TokenOnly, RuntimeApi.Basic(TestWorld.BasicPublicId, TestWorld.BasicSecret));
        var wrong = await api.RevokeAsync(Host, TokenOnly, RuntimeApi.Basic(TestWorld.BasicPublicId, "wrong"));
        var empty = await api.RevokeAsync(Host, RuntimeApi.Form(("token", "")), RuntimeApi.Basic(TestWorld.BasicPublicId, TestWorld.BasicSecret));

        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal("""{"revoked":true}""", ok.Body);
        AssertInvalidClient(wrong);
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
        Assert.Equal(3, emulator.Calls.Count(OAuthOperations.OAuthRevoke, TestWorld.DeploymentA));
        Assert.Equal(0, emulator.Calls.Count(OAuthOperations.OAuthIntrospect));
    }

    [Fact]
    public async Task Calls_AreCountedUnderTheAppsDeployment_WhateverTheAnswer()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);

        await api.IntrospectAsync(Host, TokenOnly, RuntimeApi.Basic(TestWorld.BasicPublicId, TestWorld.BasicSecret));
        await api.IntrospectAsync(Host, TokenOnly, RuntimeApi.Basic(TestWorld.BasicPublicId, "wrong"));
        await api.IntrospectAsync(RuntimeWorld.BillingHost, TokenOnly);

        Assert.Equal(2, emulator.Calls.Count(OAuthOperations.OAuthIntrospect, TestWorld.DeploymentA));
        Assert.Equal(1, emulator.Calls.Count(OAuthOperations.OAuthIntrospect, TestWorld.DeploymentB));
        Assert.Equal(0, emulator.Calls.Count(OAuthOperations.ListOAuthApps));
    }

    [Fact]
    public async Task FaultRules_ApplyToIntrospect_InTheOAuthErrorForm()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);
        emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.OAuthIntrospect, DeploymentId = TestWorld.DeploymentA, ErrorStatus = 503, RetryAfterSeconds = 2, Remaining = 1 });
        var basic = RuntimeApi.Basic(TestWorld.BasicPublicId, TestWorld.BasicSecret);

        var faulted = await api.IntrospectAsync(Host, TokenOnly, basic);
        var next = await api.IntrospectAsync(Host, TokenOnly, basic);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, faulted.Status);
        Assert.Equal("temporarily_unavailable", faulted.Json.GetProperty("error").GetString());
        Assert.Equal(TimeSpan.FromSeconds(2), faulted.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, next.Status);
        Assert.Equal(2, emulator.Calls.Count(OAuthOperations.OAuthIntrospect, TestWorld.DeploymentA));
    }

    [Fact]
    public async Task FaultRules_LoseResponse_AndAnotherDeploymentsRuleDoesNotApply()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);
        emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.OAuthIntrospect, DeploymentId = TestWorld.DeploymentB, ErrorStatus = 500 });
        emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.OAuthIntrospect, DeploymentId = TestWorld.DeploymentA, LoseResponse = true, Remaining = 1 });
        var basic = RuntimeApi.Basic(TestWorld.BasicPublicId, TestWorld.BasicSecret);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => api.IntrospectAsync(Host, TokenOnly, basic));
        Assert.Equal(HttpStatusCode.OK, (await api.IntrospectAsync(Host, TokenOnly, basic)).Status);
        Assert.Equal(HttpStatusCode.InternalServerError, (await api.IntrospectAsync(RuntimeWorld.BillingHost, TokenOnly)).Status);
    }

    [Fact]
    public async Task RuntimeOperationNames_AreValidFaultRuleOperations_OverHttp()
    {
        await using var emulator = await RuntimeWorld.StartAsync();

        var (status, _) = await SurfaceClient.SendAsync(emulator, HttpMethod.Post, "_emulator/faults", """{"operation":"oauthIntrospect","error_status":502}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(OAuthOperations.OAuthIntrospect, Assert.Single(emulator.Faults.Rules).Operation);
    }

    internal static void AssertInvalidClient(ApiResponse response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("""{"error":"invalid_client"}""", response.Body);
        Assert.Equal("Basic realm=\"oauth\", error=\"invalid_client\"", string.Join(", ", response.Headers.GetValues("WWW-Authenticate")));
    }
}
