using System.Net;
using System.Text;

namespace Wacht.Emulator.Tests;

/// <summary>Status codes and the error envelope of every error path of the contract.</summary>
public sealed class ErrorTests
{
    private const string Crm = "apps/crm";

    [Fact]
    public async Task UnknownRoute_Answers404Envelope()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var http = new HttpClient { BaseAddress = emulator.BaseAddress };

        using var response = await http.GetAsync("oauth/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"errors":[{"message":"Not found","code":404}]}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WrongMethodOnKnownPath_AnswersEnvelope()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        (await api.SendAsync(HttpMethod.Put, "apps")).AssertError(HttpStatusCode.NotFound, "Not found");
    }

    [Fact]
    public async Task MalformedJson_Answers400Envelope()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var response = await api.PostJsonAsync(Crm + "/clients", "{\"client_auth_method\": ");

        Assert.StartsWith("Failed to parse the request body as JSON", response.AssertError(HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongFieldType_Answers400Envelope()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var response = await api.PatchJsonAsync(Crm + "/clients/" + TestWorld.BasicClientId, """{"access_token_ttl_seconds":"600"}""");

        response.AssertError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task WrongContentType_Answers415Envelope()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var response = await api.PostAsync(Crm + "/clients", new StringContent("{}", Encoding.UTF8, "text/plain"));

        response.AssertError(HttpStatusCode.UnsupportedMediaType, "Expected request with `Content-Type: application/json`");
    }

    [Fact]
    public async Task CreateAppWithoutMultipart_Answers400Envelope()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        (await api.PostJsonAsync("apps", """{"slug":"x","name":"X"}""")).AssertError(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("GET", "apps/nope/clients")]
    [InlineData("PATCH", "apps/nope")]
    [InlineData("POST", "apps/nope/verify-domain")]
    [InlineData("POST", "apps/nope/scopes/read/archive")]
    [InlineData("POST", "apps/nope/clients/7283910238475000011/rotate-secret")]
    [InlineData("GET", "apps/nope/clients/7283910238475000011/grants")]
    [InlineData("POST", "apps/nope/clients/7283910238475000011/grants/1/revoke")]
    [InlineData("GET", "apps/nope/signing-keys")]
    public async Task UnknownApp_Answers404OAuthAppNotFound(string method, string path)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Platform);

        var response = await api.SendAsync(new HttpMethod(method), path, method == "PATCH" ? TestApi.Json("{}") : null);

        response.AssertError(HttpStatusCode.NotFound, "OAuth app not found");
    }

    [Fact]
    public async Task DuplicateSlug_Answers409ResourceAlreadyExists()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var response = await api.CreateAppAsync(("slug", "crm"), ("name", "Again"), ("fqdn", "x.example.com"));

        response.AssertError(HttpStatusCode.Conflict, "Resource already exists");
    }

    [Fact]
    public async Task SameSlugInAnotherDeployment_IsAllowed()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend, TestWorld.DeploymentB);

        var response = await api.CreateAppAsync(("slug", "crm"), ("name", "CRM in B"), ("fqdn", "crm.b.example.com"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Theory]
    [InlineData("slug", "", "slug is required")]
    [InlineData("name", "", "name is required")]
    [InlineData("fqdn", "", "fqdn is required for production")]
    [InlineData("fqdn", "localhost", "fqdn must be a full domain name")]
    [InlineData("allow_dynamic_client_registration", "maybe", "allow_dynamic_client_registration must be true or false")]
    public async Task CreateAppValidation_Answers400(string field, string value, string message)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        var fields = new Dictionary<string, string> { ["slug"] = "new-app", ["name"] = "New", ["fqdn"] = "new.example.com" };
        fields[field] = value;

        var response = await api.CreateAppAsync([.. fields.Select(kv => (kv.Key, kv.Value))]);

        response.AssertError(HttpStatusCode.BadRequest, message);
    }

    [Fact]
    public async Task UnknownClient_AnswersTheContractsMessages()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        const string Client = Crm + "/clients/7283910238479999999";

        (await api.GetAsync(Client + "/grants")).AssertError(HttpStatusCode.NotFound, "OAuth client not found");
        (await api.PostAsync(Client + "/grants/1/revoke")).AssertError(HttpStatusCode.NotFound, "OAuth client not found");
        (await api.PostAsync(Client + "/rotate-secret")).AssertError(HttpStatusCode.NotFound, "OAuth client not found or inactive");
        (await api.PatchJsonAsync(Client, "{}")).AssertError(HttpStatusCode.NotFound, "OAuth client not found or inactive");
        (await api.DeleteAsync(Client)).AssertError(HttpStatusCode.NotFound, "OAuth client not found or already inactive");
    }

    [Fact]
    public async Task ClientOfAnotherApp_IsNotFound()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        await api.CreateAppAsync(("slug", "other"), ("name", "Other"), ("fqdn", "other.example.com"));

        (await api.GetAsync("apps/other/clients/" + TestWorld.BasicClientId + "/grants")).AssertError(HttpStatusCode.NotFound, "OAuth client not found");
    }

    [Fact]
    public async Task NonNumericClientId_Answers400()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        (await api.PostAsync(Crm + "/clients/" + TestWorld.BasicPublicId + "/rotate-secret")).AssertError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UpdateInactiveClient_Answers404()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        (await api.PatchJsonAsync(Crm + "/clients/" + TestWorld.InactiveClientId, """{"client_name":"x"}"""))
            .AssertError(HttpStatusCode.NotFound, "OAuth client not found or inactive");
    }

    [Theory]
    [InlineData("""{"access_token_format":"paseto"}""", "access_token_format must be one of: opaque, jwt")]
    [InlineData("""{"access_token_ttl_seconds":59}""", "access_token_ttl_seconds must be between 60 and 86400")]
    [InlineData("""{"access_token_ttl_seconds":86401}""", "access_token_ttl_seconds must be between 60 and 86400")]
    [InlineData("""{"grant_types":[]}""", "grant_types must include at least one grant")]
    [InlineData("""{"client_auth_method":"tls_client_auth"}""", "unsupported client_auth_method: tls_client_auth")]
    [InlineData("""{"redirect_uris":[]}""", "redirect_uris must include at least one URI for authorization_code")]
    [InlineData("""{"redirect_uris":["https://x.example.com/cb#frag"]}""", "redirect_uris must not include fragments")]
    [InlineData("""{"jwks_uri":"https://x.example.com/jwks"}""", "jwks_uri/jwks/public_key_pem are only allowed when client_auth_method is private_key_jwt")]
    public async Task UpdateClientValidation_Answers400(string body, string message)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        (await api.PatchJsonAsync(Crm + "/clients/" + TestWorld.BasicClientId, body)).AssertError(HttpStatusCode.BadRequest, message);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(86400)]
    public async Task AccessTokenTtlBoundaries_AreAccepted(int ttl)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var response = await api.PatchJsonAsync(Crm + "/clients/" + TestWorld.BasicClientId, $$"""{"access_token_ttl_seconds":{{ttl}}}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(ttl, response.Json.GetProperty("access_token_ttl_seconds").GetInt32());
    }

    [Theory]
    [InlineData("""{"client_auth_method":"private_key_jwt","redirect_uris":["https://a.example.com/cb"]}""", "private_key_jwt requires exactly one of jwks_uri, jwks, or public_key_pem")]
    [InlineData("""{"client_auth_method":"private_key_jwt","redirect_uris":["https://a.example.com/cb"],"jwks_uri":"http://a.example.com/jwks"}""", "jwks_uri must use https")]
    [InlineData("""{"client_auth_method":"private_key_jwt","redirect_uris":["https://a.example.com/cb"],"jwks":{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}}""", "jwks for private_key_jwt must contain public keys, not symmetric secrets")]
    [InlineData("""{"client_auth_method":"client_secret_basic","redirect_uris":["ftp://a.example.com/cb"]}""", "redirect_uris must use http or https")]
    [InlineData("""{"client_auth_method":"client_secret_basic","redirect_uris":["https://a.example.com/cb"],"access_token_ttl_seconds":5}""", "access_token_ttl_seconds must be between 60 and 86400")]
    public async Task CreateClientValidation_Answers400(string body, string message)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        (await api.PostJsonAsync(Crm + "/clients", body)).AssertError(HttpStatusCode.BadRequest, message);
    }
}
