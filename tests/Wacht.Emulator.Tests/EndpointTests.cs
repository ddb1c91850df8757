using System.Net;
using System.Text.Json;

namespace Wacht.Emulator.Tests;

/// <summary>Every one of the 18 endpoints, happy path, in both path styles.</summary>
public sealed class EndpointTests
{
    private const string Crm = "apps/crm";
    private const string BasicClient = Crm + "/clients/" + TestWorld.BasicClientId;

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task ListOAuthApps_ReturnsTheDeploymentsApps(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);

        var response = await api.GetAsync("apps");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var app = Assert.Single(response.Json.GetProperty("apps").EnumerateArray().ToList());
        Assert.Equal(TestWorld.CrmAppId, app.GetProperty("id").GetString());
        Assert.Equal("crm", app.GetProperty("slug").GetString());
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task CreateOAuthApp_FromMultipartForm_ReturnsTheApp(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);

        var response = await api.CreateAppAsync(
            ("slug", "reports"),
            ("name", "Reports"),
            ("description", "Reporting API"),
            ("domain", "Auth.Reports.Example.com"),
            ("supported_scopes", "reports:read,read"),
            ("allow_dynamic_client_registration", "true"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var app = response.Json;
        Assert.Equal("reports", app.GetProperty("slug").GetString());
        Assert.Equal("Reports", app.GetProperty("name").GetString());
        Assert.Equal("Reporting API", app.GetProperty("description").GetString());
        Assert.Equal("auth.reports.example.com", app.GetProperty("fqdn").GetString());
        Assert.True(app.GetProperty("allow_dynamic_client_registration").GetBoolean());
        Assert.True(app.GetProperty("is_active").GetBoolean());
        Assert.Equal(["read", "reports:read"], Strings(app.GetProperty("supported_scopes")));

        var listed = await api.GetAsync("apps");
        Assert.Equal(2, listed.Json.GetProperty("apps").GetArrayLength());
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task UpdateOAuthApp_ChangesFields(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);

        var response = await api.PatchJsonAsync(Crm, """{"name":"CRM v2","description":"New","is_active":false,"allow_dynamic_client_registration":true}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("CRM v2", response.Json.GetProperty("name").GetString());
        Assert.Equal("New", response.Json.GetProperty("description").GetString());
        Assert.False(response.Json.GetProperty("is_active").GetBoolean());
        Assert.True(response.Json.GetProperty("allow_dynamic_client_registration").GetBoolean());
        Assert.Equal(5, response.Json.GetProperty("supported_scopes").GetArrayLength());
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task VerifyOAuthAppDomain_ReturnsDomainCnameTargetAndVerified(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);

        var response = await api.PostAsync(Crm + "/verify-domain");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("auth.crm.example.com", response.Json.GetProperty("domain").GetString());
        Assert.Equal("oauth.wacht.services", response.Json.GetProperty("cname_target").GetString());
        Assert.True(response.Json.GetProperty("verified").GetBoolean());
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task UpdateOAuthScope_ChangesDisplayNameAndDescription(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);

        var response = await api.PatchJsonAsync(Crm + "/scopes/crm%3Awrite", """{"display_name":"  Write CRM  ","description":"Edit contacts"}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var definition = Definition(response.Json, "crm:write");
        Assert.Equal("Write CRM", definition.GetProperty("display_name").GetString());
        Assert.Equal("Edit contacts", definition.GetProperty("description").GetString());
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task ArchiveAndUnarchiveOAuthScope_ToggleArchived(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);

        var archived = await api.PostAsync(Crm + "/scopes/crm%3Aread/archive");
        Assert.Equal(HttpStatusCode.OK, archived.Status);
        Assert.True(Definition(archived.Json, "crm:read").GetProperty("archived").GetBoolean());
        Assert.Contains("crm:read", Strings(archived.Json.GetProperty("supported_scopes")));

        var unarchived = await api.PostAsync(Crm + "/scopes/crm%3Aread/unarchive");
        Assert.Equal(HttpStatusCode.OK, unarchived.Status);
        Assert.False(Definition(unarchived.Json, "crm:read").GetProperty("archived").GetBoolean());
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task SetOAuthScopeMapping_SetsCategoryAndPermission(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);

        var response = await api.PostJsonAsync(Crm + "/scopes/crm%3Awrite/mapping", """{"category":"workspace","workspace_permission":"ws:write"}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var definition = Definition(response.Json, "crm:write");
        Assert.Equal("workspace", definition.GetProperty("category").GetString());
        Assert.Equal("ws:write", definition.GetProperty("workspace_permission").GetString());
        Assert.False(definition.TryGetProperty("organization_permission", out _));
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task ListOAuthClients_IncludesDeactivatedClients(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);

        var response = await api.GetAsync(Crm + "/clients");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var clients = response.Json.GetProperty("clients").EnumerateArray().ToList();
        Assert.Equal(5, clients.Count);
        var inactive = Assert.Single(clients, c => c.GetProperty("id").GetString() == TestWorld.InactiveClientId);
        Assert.False(inactive.GetProperty("is_active").GetBoolean());
        Assert.All(clients, c => Assert.False(c.TryGetProperty("client_secret", out _)));
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task CreateOAuthClient_ReturnsClientWithSecretAndDefaults(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);

        var response = await api.PostJsonAsync(Crm + "/clients", """{"client_auth_method":"client_secret_basic","redirect_uris":["https://app.example.com/cb"],"client_name":"New app"}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var client = response.Json;
        Assert.Equal(TestWorld.CrmAppId, client.GetProperty("oauth_app_id").GetString());
        Assert.Equal("client_secret_basic", client.GetProperty("client_auth_method").GetString());
        Assert.Equal(["authorization_code", "refresh_token"], Strings(client.GetProperty("grant_types")));
        Assert.Equal("RS256", client.GetProperty("id_token_signing_alg").GetString());
        Assert.Equal("opaque", client.GetProperty("access_token_format").GetString());
        Assert.Equal(3600, client.GetProperty("access_token_ttl_seconds").GetInt32());
        Assert.False(client.GetProperty("skip_consent").GetBoolean());
        Assert.True(client.GetProperty("is_active").GetBoolean());
        Assert.Equal("New app", client.GetProperty("client_name").GetString());
        var secret = client.GetProperty("client_secret").GetString()!;
        Assert.Matches("^oc_secret_[A-Za-z0-9_-]{43}$", secret);
        Assert.True(emulator.IsCurrentSecret(client.GetProperty("client_id").GetString()!, secret));
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task UpdateOAuthClient_ChangesFields(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);

        var response = await api.PatchJsonAsync(BasicClient, """{"client_name":"Renamed","access_token_format":"jwt","access_token_ttl_seconds":600,"redirect_uris":["https://crm.example.com/new"]}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("Renamed", response.Json.GetProperty("client_name").GetString());
        Assert.Equal("jwt", response.Json.GetProperty("access_token_format").GetString());
        Assert.Equal(600, response.Json.GetProperty("access_token_ttl_seconds").GetInt32());
        Assert.Equal(["https://crm.example.com/new"], Strings(response.Json.GetProperty("redirect_uris")));
        Assert.False(response.Json.TryGetProperty("client_secret", out _));
        Assert.True(emulator.IsCurrentSecret(TestWorld.BasicPublicId, TestWorld.BasicSecret));
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task DeactivateOAuthClient_Answers204ThenNotFound(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);

        var first = await api.DeleteAsync(BasicClient);
        Assert.Equal(HttpStatusCode.NoContent, first.Status);
        Assert.Equal("", first.Body);

        var second = await api.DeleteAsync(BasicClient);
        second.AssertError(HttpStatusCode.NotFound, "OAuth client not found or already inactive");

        var listed = await api.GetAsync(Crm + "/clients");
        var client = Assert.Single(listed.Json.GetProperty("clients").EnumerateArray().ToList(), c => c.GetProperty("id").GetString() == TestWorld.BasicClientId);
        Assert.False(client.GetProperty("is_active").GetBoolean());
        Assert.False(emulator.IsCurrentSecret(TestWorld.BasicPublicId, TestWorld.BasicSecret));
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task RotateOAuthClientSecret_InvalidatesOldSecretImmediately(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);
        Assert.True(await SurfaceClient.VerifySecretAsync(emulator, TestWorld.BasicPublicId, TestWorld.BasicSecret));

        var response = await api.PostAsync(BasicClient + "/rotate-secret");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var secret = response.Json.GetProperty("client_secret").GetString()!;
        Assert.Matches("^oc_secret_[A-Za-z0-9_-]{43}$", secret);
        Assert.False(await SurfaceClient.VerifySecretAsync(emulator, TestWorld.BasicPublicId, TestWorld.BasicSecret));
        Assert.True(await SurfaceClient.VerifySecretAsync(emulator, TestWorld.BasicPublicId, secret));
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task ListOAuthGrants_ReturnsGrantsNewestFirst(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);

        var response = await api.GetAsync(BasicClient + "/grants");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var ids = response.Json.GetProperty("grants").EnumerateArray().Select(g => g.GetProperty("id").GetString()).ToList();
        Assert.Equal([TestWorld.GrantNewest, TestWorld.GrantRevoked, TestWorld.GrantExpired, TestWorld.GrantOldest], ids);
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task RevokeOAuthGrant_RevokesAnActiveGrant(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);

        var response = await api.PostAsync(BasicClient + "/grants/" + TestWorld.GrantNewest + "/revoke");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("{}", response.Body);
        var grant = Grant(await api.GetAsync(BasicClient + "/grants"), TestWorld.GrantNewest);
        Assert.Equal("revoked", grant.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, grant.GetProperty("revoked_at").ValueKind);
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task ListOAuthAppSigningKeys_ReturnsOneActiveKeyWithPem(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);

        var response = await api.GetAsync(Crm + "/signing-keys");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var key = Assert.Single(response.Json.GetProperty("keys").EnumerateArray().ToList());
        Assert.Equal("active", key.GetProperty("status").GetString());
        Assert.Equal("ES256", key.GetProperty("algorithm").GetString());
        Assert.False(string.IsNullOrEmpty(key.GetProperty("kid").GetString()));
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", key.GetProperty("public_key_pem").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task RotateOAuthAppSigningKey_RetiresThePreviousActiveKey(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);
        var before = (await api.GetAsync(Crm + "/signing-keys")).Json.GetProperty("keys")[0].GetProperty("kid").GetString();

        var response = await api.PostAsync(Crm + "/signing-keys/rotate");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var created = response.Json.GetProperty("new");
        Assert.Equal("active", created.GetProperty("status").GetString());
        var keys = (await api.GetAsync(Crm + "/signing-keys")).Json.GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(2, keys.Count);
        Assert.Equal("retired", keys.Single(k => k.GetProperty("kid").GetString() == before).GetProperty("status").GetString());
        Assert.Equal("active", keys.Single(k => k.GetProperty("kid").GetString() == created.GetProperty("kid").GetString()).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task CompromiseOAuthAppSigningKey_MarksKeyCompromised(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, style);
        var kid = (await api.GetAsync(Crm + "/signing-keys")).Json.GetProperty("keys")[0].GetProperty("kid").GetString()!;

        var response = await api.PostAsync(Crm + "/signing-keys/" + kid + "/compromise");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("{}", response.Body);
        var keys = (await api.GetAsync(Crm + "/signing-keys")).Json.GetProperty("keys").EnumerateArray().ToList();
        Assert.DoesNotContain(keys, k => k.GetProperty("kid").GetString() == kid);
        Assert.Equal("active", Assert.Single(keys).GetProperty("status").GetString());
        Assert.Equal("compromised", emulator.State.GetSigningKeys(TestWorld.DeploymentA, "crm").Single(k => k.Kid == kid).Status);

        var unknown = await api.PostAsync(Crm + "/signing-keys/no-such-kid/compromise");
        unknown.AssertError(HttpStatusCode.NotFound, "no signing key with kid 'no-such-kid' for this app");
    }

    internal static List<string?> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString())];

    internal static JsonElement Definition(JsonElement app, string scope) =>
        app.GetProperty("scope_definitions").EnumerateArray().Single(d => d.GetProperty("scope").GetString() == scope);

    internal static JsonElement Grant(ApiResponse grants, string id) =>
        grants.Json.GetProperty("grants").EnumerateArray().Single(g => g.GetProperty("id").GetString() == id);
}
