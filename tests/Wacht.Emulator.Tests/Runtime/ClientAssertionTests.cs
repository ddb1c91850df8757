using System.Net;

namespace Wacht.Emulator.Tests;

public sealed class ClientAssertionTests
{
    private const string Host = RuntimeWorld.CrmHost;
    private const string Audience = "https://" + RuntimeWorld.CrmHost + "/oauth/introspect";
    private const string ClientId = RuntimeWorld.JwtPublicId;

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Fact]
    public async Task ValidAssertion_Authenticates()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);

        var response = await api.IntrospectAsync(Host, TestAssertion.Form(ClientId, TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience)));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("""{"active":false}""", response.Body);
    }

    [Fact]
    public async Task ReplayedJti_IsRefused_AFreshOneIsNot()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);
        var assertion = TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience, jti: "jti-once");

        var first = await api.IntrospectAsync(Host, TestAssertion.Form(ClientId, assertion));
        var replayed = await api.IntrospectAsync(Host, TestAssertion.Form(ClientId, assertion));
        var sameJtiNewToken = await api.IntrospectAsync(Host, TestAssertion.Form(ClientId, TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience, jti: "jti-once", exp: Now + 120)));
        var fresh = await api.IntrospectAsync(Host, TestAssertion.Form(ClientId, TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience)));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        IntrospectTests.AssertInvalidClient(replayed);
        IntrospectTests.AssertInvalidClient(sameJtiNewToken);
        Assert.Equal(HttpStatusCode.OK, fresh.Status);
    }

    [Fact]
    public async Task AJtiThatFailedAuthentication_IsNotUsedUp()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);

        var wrongAudience = await api.IntrospectAsync(Host, TestAssertion.Form(ClientId, TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, "https://elsewhere.example.com/oauth/introspect", jti: "jti-x")));
        var valid = await api.IntrospectAsync(Host, TestAssertion.Form(ClientId, TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience, jti: "jti-x")));

        IntrospectTests.AssertInvalidClient(wrongAudience);
        Assert.Equal(HttpStatusCode.OK, valid.Status);
    }

    public static TheoryData<string, Func<string>> RefusedAssertions() => new()
    {
        { "wrong secret", () => TestAssertion.Create(TestWorld.BasicSecret, ClientId, Audience) },
        { "wrong audience", () => TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, "https://" + RuntimeWorld.CrmHost + "/oauth/revoke") },
        { "audience of another host", () => TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, "https://" + RuntimeWorld.BillingHost + "/oauth/introspect") },
        { "iss is not the client", () => TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience, iss: "someone-else") },
        { "sub is not the client", () => TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience, sub: "someone-else") },
        { "no exp", () => TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience, exp: null) },
        { "expired", () => TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience, exp: Now - 1, iat: Now - 30) },
        { "expired past the leeway", () => TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience, exp: Now - 120, iat: Now - 180) },
        { "exp too far ahead", () => TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience, exp: Now + 301) },
        { "no iat", () => TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience, iat: null) },
        { "iat in the future", () => TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience, iat: Now + 120, exp: Now + 200) },
        { "no jti", () => TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience, jti: "") },
        { "wrong algorithm", () => TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience, alg: "HS512") },
        { "exp as a string", () => TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience, exp: null, extra: new() { ["exp"] = "soon" }) },
        { "not a JWT", () => "not.a-jwt" },
    };

    [Theory]
    [MemberData(nameof(RefusedAssertions))]
    public async Task BadAssertion_Is401InvalidClient(string reason, Func<string> assertion)
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);

        var response = await api.IntrospectAsync(Host, TestAssertion.Form(ClientId, assertion()));

        Assert.True(response.Status == HttpStatusCode.Unauthorized, reason);
        IntrospectTests.AssertInvalidClient(response);
    }

    [Fact]
    public async Task MissingClientIdOrAssertionType_Is401()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);
        var assertion = TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience);

        // The platform takes the client id from Basic or the form, never from the assertion.
        var noClientId = await api.IntrospectAsync(Host, RuntimeApi.Form(("token", "t"), ("client_assertion_type", TestAssertion.Type), ("client_assertion", assertion)));
        var wrongType = await api.IntrospectAsync(Host, RuntimeApi.Form(("token", "t"), ("client_id", ClientId), ("client_assertion_type", "jwt"), ("client_assertion", TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience))));
        var secretInstead = await api.IntrospectAsync(Host, RuntimeApi.Form(("token", "t"), ("client_id", ClientId), ("client_secret", RuntimeWorld.JwtSecret)));

        IntrospectTests.AssertInvalidClient(noClientId);
        IntrospectTests.AssertInvalidClient(wrongType);
        IntrospectTests.AssertInvalidClient(secretInstead);
    }

    [Fact]
    public async Task ClientWithHs384_MustSignWithHs384()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);
        const string Client = RuntimeWorld.Jwt384PublicId;

        var hs384 = await api.IntrospectAsync(Host, TestAssertion.Form(Client, TestAssertion.Create(RuntimeWorld.Jwt384Secret, Client, Audience, alg: "HS384")));
        var hs256 = await api.IntrospectAsync(Host, TestAssertion.Form(Client, TestAssertion.Create(RuntimeWorld.Jwt384Secret, Client, Audience)));

        Assert.Equal(HttpStatusCode.OK, hs384.Status);
        IntrospectTests.AssertInvalidClient(hs256);
    }

    [Fact]
    public async Task Revoke_ExpectsItsOwnEndpointAsAudience()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);
        var revokeAudience = "https://" + RuntimeWorld.CrmHost + "/oauth/revoke";

        var ok = await api.RevokeAsync(Host, TestAssertion.Form(ClientId, TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, revokeAudience)));
        var introspectAudience = await api.RevokeAsync(Host, TestAssertion.Form(ClientId, TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience)));

        Assert.Equal(HttpStatusCode.OK, ok.Status);
        IntrospectTests.AssertInvalidClient(introspectAudience);
    }

    [Fact]
    public async Task AfterRotation_AnAssertionSignedWithTheOldSecretIsRefused()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);
        using var management = TestApi.For(emulator, PathStyle.Backend);
        var clients = (await management.GetAsync("apps/crm/clients")).Json.GetProperty("clients").EnumerateArray();
        var recordId = clients.Single(c => c.GetProperty("client_id").GetString() == ClientId).GetProperty("id").GetString();

        var secret = (await management.PostAsync($"apps/crm/clients/{recordId}/rotate-secret")).Json.GetProperty("client_secret").GetString()!;

        IntrospectTests.AssertInvalidClient(await api.IntrospectAsync(Host, TestAssertion.Form(ClientId, TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience))));
        Assert.Equal(HttpStatusCode.OK, (await api.IntrospectAsync(Host, TestAssertion.Form(ClientId, TestAssertion.Create(secret, ClientId, Audience)))).Status);
    }

    [Theory]
    [InlineData("wrong secret", "Invalid token: InvalidSignature")]
    [InlineData("wrong algorithm", "Invalid token: InvalidAlgorithm")]
    [InlineData("expired past the leeway", "Invalid token: ExpiredSignature")]
    public async Task PlatformAssertionErrors_AnswerJwtLibraryFailuresWith400(string reason, string description)
    {
        await using var emulator = await RuntimeWorld.StartAsync(o => o.PlatformAssertionErrors = true);
        using var api = new RuntimeApi(emulator);
        var assertion = RefusedAssertions().Single(row => (string)row[0] == reason)[1] as Func<string>;

        var response = await api.IntrospectAsync(Host, TestAssertion.Form(ClientId, assertion!()));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request", response.Json.GetProperty("error").GetString());
        Assert.Equal(description, response.Json.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task PlatformAssertionErrors_KeepThe401ForClaimRulesAndReplays()
    {
        await using var emulator = await RuntimeWorld.StartAsync(o => o.PlatformAssertionErrors = true);
        using var api = new RuntimeApi(emulator);
        var assertion = TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience);

        Assert.Equal(HttpStatusCode.OK, (await api.IntrospectAsync(Host, TestAssertion.Form(ClientId, assertion))).Status);
        IntrospectTests.AssertInvalidClient(await api.IntrospectAsync(Host, TestAssertion.Form(ClientId, assertion)));
        IntrospectTests.AssertInvalidClient(await api.IntrospectAsync(Host, TestAssertion.Form(ClientId, TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, "https://x.example.com/oauth/introspect"))));
    }

    [Fact]
    public async Task Reset_ForgetsUsedJtis()
    {
        await using var emulator = await RuntimeWorld.StartAsync();
        using var api = new RuntimeApi(emulator);
        var assertion = TestAssertion.Create(RuntimeWorld.JwtSecret, ClientId, Audience);
        Assert.Equal(HttpStatusCode.OK, (await api.IntrospectAsync(Host, TestAssertion.Form(ClientId, assertion))).Status);

        emulator.Reset();

        Assert.Equal(HttpStatusCode.OK, (await api.IntrospectAsync(Host, TestAssertion.Form(ClientId, assertion))).Status);
    }
}
