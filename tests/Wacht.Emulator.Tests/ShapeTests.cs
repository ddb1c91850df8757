using System.Globalization;
using System.Text.Json;

namespace Wacht.Emulator.Tests;

/// <summary>JSON shapes: string ids above 2^53, null vs omitted fields, timestamp format.</summary>
public sealed class ShapeTests
{
    private const string Timestamp = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$";
    private static readonly decimal TwoTo53 = 9_007_199_254_740_992m;

    [Fact]
    public async Task Ids_AreStringsAbove2To53()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var created = (await api.PostJsonAsync("apps/crm/clients", """{"redirect_uris":["https://a.example.com/cb"]}""")).Json;
        AssertBigStringId(created.GetProperty("id"));
        AssertBigStringId(created.GetProperty("oauth_app_id"));

        var app = (await api.CreateAppAsync(("slug", "ids"), ("name", "Ids"), ("fqdn", "ids.example.com"))).Json;
        AssertBigStringId(app.GetProperty("id"));

        var grant = EndpointTests.Grant(await api.GetAsync("apps/crm/clients/" + TestWorld.BasicClientId + "/grants"), TestWorld.GrantNewest);
        AssertBigStringId(grant.GetProperty("id"));
        AssertBigStringId(grant.GetProperty("oauth_client_id"));
        AssertBigStringId(grant.GetProperty("granted_by_user_id"));
    }

    [Fact]
    public async Task GeneratedIds_AreAbove2To53()
    {
        await using var emulator = await WachtEmulator.StartAsync(new EmulatorOptions { Generate = new SeedGeneratorOptions { Deployments = 1, AppsPerDeployment = 1, ClientsPerApp = 1, GrantsPerClient = 1 } });
        var deployment = Assert.Single(emulator.State.Deployments);
        Assert.True(decimal.Parse(deployment.Id, CultureInfo.InvariantCulture) > TwoTo53);
        using var api = TestApi.For(emulator, PathStyle.Platform, deployment.Id);

        var app = (await api.GetAsync("apps")).Json.GetProperty("apps")[0];
        AssertBigStringId(app.GetProperty("id"));
        var client = (await api.GetAsync($"apps/{app.GetProperty("slug").GetString()}/clients")).Json.GetProperty("clients")[0];
        AssertBigStringId(client.GetProperty("id"));
    }

    [Fact]
    public async Task ClientOptionalFields_AreNullWhenAbsent_AndSecretIsOmitted()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var client = (await api.GetAsync("apps/crm/clients")).Json.GetProperty("clients").EnumerateArray()
            .Single(c => c.GetProperty("id").GetString() == TestWorld.PostClientId);

        foreach (var field in new[] { "client_name", "client_uri", "logo_uri", "tos_uri", "policy_uri", "software_id", "software_version", "token_endpoint_auth_signing_alg", "jwks_uri", "jwks", "public_key_pem" })
        {
            Assert.Equal(JsonValueKind.Null, client.GetProperty(field).ValueKind);
        }

        Assert.Equal(JsonValueKind.Array, client.GetProperty("contacts").ValueKind);
        Assert.Equal(JsonValueKind.Array, client.GetProperty("post_logout_redirect_uris").ValueKind);
        Assert.False(client.TryGetProperty("client_secret", out _));
        Assert.Matches(Timestamp, client.GetProperty("created_at").GetString()!);
        Assert.Matches(Timestamp, client.GetProperty("updated_at").GetString()!);
    }

    [Fact]
    public async Task AppOptionalFields_AreNull_ScopePermissionsAreOmitted()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var app = (await api.GetAsync("apps")).Json.GetProperty("apps")[0];

        Assert.Equal(JsonValueKind.Null, app.GetProperty("description").ValueKind);
        Assert.Equal(JsonValueKind.Null, app.GetProperty("logo_url").ValueKind);
        Assert.Matches(Timestamp, app.GetProperty("created_at").GetString()!);
        var plain = EndpointTests.Definition(app, "write");
        Assert.False(plain.TryGetProperty("organization_permission", out _));
        Assert.False(plain.TryGetProperty("workspace_permission", out _));
        Assert.Equal("", plain.GetProperty("category").GetString());
        var mapped = EndpointTests.Definition(app, "crm:read");
        Assert.Equal("org:read", mapped.GetProperty("organization_permission").GetString());
        Assert.False(mapped.TryGetProperty("workspace_permission", out _));
    }

    [Fact]
    public async Task GrantFields_UserIdOmittedWhenAbsent_DatesNullWhenAbsent()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        var grants = await api.GetAsync("apps/crm/clients/" + TestWorld.BasicClientId + "/grants");

        var oldest = EndpointTests.Grant(grants, TestWorld.GrantOldest);
        Assert.False(oldest.TryGetProperty("granted_by_user_id", out _));
        Assert.Equal(JsonValueKind.Null, oldest.GetProperty("expires_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, oldest.GetProperty("revoked_at").ValueKind);
        Assert.Equal("crm", oldest.GetProperty("api_auth_app_slug").GetString());
        Assert.Equal(TestWorld.BasicClientId, oldest.GetProperty("oauth_client_id").GetString());
        Assert.Equal("urn:wacht:user:1", oldest.GetProperty("resource").GetString());

        var newest = EndpointTests.Grant(grants, TestWorld.GrantNewest);
        Assert.Equal("2026-11-20T10:15:30.123456Z", newest.GetProperty("granted_at").GetString());
        Assert.Equal(["crm:read", "read"], EndpointTests.Strings(newest.GetProperty("scopes")));
        foreach (var field in new[] { "granted_at", "expires_at", "created_at", "updated_at" })
        {
            Assert.Matches(Timestamp, newest.GetProperty(field).GetString()!);
        }
    }

    private static void AssertBigStringId(JsonElement id)
    {
        Assert.Equal(JsonValueKind.String, id.ValueKind);
        var value = decimal.Parse(id.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture);
        Assert.True(value > TwoTo53, $"{value} is not above 2^53");
        Assert.True(value <= long.MaxValue);
    }
}
