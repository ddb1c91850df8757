using System.Net;
using System.Text.Json;

namespace Wacht.Emulator.Tests;

public sealed class ScopeTests
{
    private const string Crm = "apps/crm";

    [Fact]
    public async Task CreateApp_NormalizesSupportedScopesAndFillsDefinitions()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var response = await api.CreateAppAsync(
            ("slug", "norm"),
            ("name", "Norm"),
            ("fqdn", "norm.example.com"),
            ("supported_scopes", " write, read,read,, b:x ,Read"),
            ("scope_definitions", """[{"scope":" b:x ","display_name":"","description":"Box"},{"scope":"not-supported","display_name":"Gone"}]"""));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["Read", "b:x", "read", "write"], EndpointTests.Strings(response.Json.GetProperty("supported_scopes")));
        var definitions = response.Json.GetProperty("scope_definitions").EnumerateArray().ToList();
        Assert.Equal(["Read", "b:x", "read", "write"], definitions.Select(d => d.GetProperty("scope").GetString()));
        var box = definitions[1];
        Assert.Equal("b:x", box.GetProperty("display_name").GetString());
        Assert.Equal("Box", box.GetProperty("description").GetString());
        var read = definitions[2];
        Assert.Equal("read", read.GetProperty("display_name").GetString());
        Assert.Equal("Allows read access", read.GetProperty("description").GetString());
        Assert.False(read.GetProperty("archived").GetBoolean());
        Assert.Equal("", read.GetProperty("category").GetString());
    }

    [Fact]
    public async Task UpdateApp_SupportedScopesReplaceTheListAndDropRemovedDefinitions()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var response = await api.PatchJsonAsync(Crm, """{"supported_scopes":["crm:read","crm:new"," crm:read "]}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["crm:new", "crm:read"], EndpointTests.Strings(response.Json.GetProperty("supported_scopes")));
        var definitions = response.Json.GetProperty("scope_definitions").EnumerateArray().ToList();
        Assert.Equal(["crm:new", "crm:read"], definitions.Select(d => d.GetProperty("scope").GetString()));
        // The kept scope keeps its definition (and mapping); the new one gets defaults.
        Assert.Equal("Read CRM", definitions[1].GetProperty("display_name").GetString());
        Assert.Equal("org:read", definitions[1].GetProperty("organization_permission").GetString());
        Assert.Equal("Allows crm:new access", definitions[0].GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("""{"category":"global"}""", "category must be personal, organization, or workspace")]
    [InlineData("""{"category":"personal","organization_permission":"org:read"}""", "personal category cannot map organization/workspace permissions")]
    [InlineData("""{"category":"personal","workspace_permission":"ws:read"}""", "personal category cannot map organization/workspace permissions")]
    [InlineData("""{"category":"organization","workspace_permission":"ws:read"}""", "organization category cannot map workspace permission")]
    [InlineData("""{"category":"workspace","organization_permission":"org:read"}""", "workspace category cannot map organization permission")]
    [InlineData("""{"category":"organization","organization_permission":"org:delete"}""", "organization permission 'org:delete' is not configured in deployment B2B settings")]
    [InlineData("""{"category":"workspace","workspace_permission":"ws:delete"}""", "workspace permission 'ws:delete' is not configured in deployment B2B settings")]
    public async Task MappingRuleViolation_Answers400(string body, string message)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Platform);

        (await api.PostJsonAsync(Crm + "/scopes/crm%3Awrite/mapping", body)).AssertError(HttpStatusCode.BadRequest, message);
    }

    [Fact]
    public async Task MappedScope_CategoryIsImmutable()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        (await api.PostJsonAsync(Crm + "/scopes/crm%3Aread/mapping", """{"category":"workspace","workspace_permission":"ws:read"}"""))
            .AssertError(HttpStatusCode.BadRequest, "scope category is immutable once set");
    }

    [Fact]
    public async Task MappedScope_OrganizationPermissionIsImmutable()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        (await api.PostJsonAsync(Crm + "/scopes/crm%3Aread/mapping", """{"category":"organization","organization_permission":"org:admin"}"""))
            .AssertError(HttpStatusCode.BadRequest, "organization permission is immutable once set");
    }

    [Fact]
    public async Task MappedScope_WorkspacePermissionIsImmutable()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        Assert.Equal(HttpStatusCode.OK, (await api.PostJsonAsync(Crm + "/scopes/crm%3Awrite/mapping", """{"category":"workspace","workspace_permission":"ws:write"}""")).Status);

        (await api.PostJsonAsync(Crm + "/scopes/crm%3Awrite/mapping", """{"category":"workspace","workspace_permission":"ws:read"}"""))
            .AssertError(HttpStatusCode.BadRequest, "workspace permission is immutable once set");
    }

    [Fact]
    public async Task ResettingTheIdenticalMapping_IsANoOp200()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var response = await api.PostJsonAsync(Crm + "/scopes/crm%3Aread/mapping", """{"category":"Organization","organization_permission":" org:read "}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var definition = EndpointTests.Definition(response.Json, "crm:read");
        Assert.Equal("organization", definition.GetProperty("category").GetString());
        Assert.Equal("org:read", definition.GetProperty("organization_permission").GetString());
    }

    [Fact]
    public async Task PersonalMapping_TakesNoPermission()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var response = await api.PostJsonAsync(Crm + "/scopes/read/mapping", """{"category":"personal"}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var definition = EndpointTests.Definition(response.Json, "read");
        Assert.Equal("personal", definition.GetProperty("category").GetString());
        Assert.False(definition.TryGetProperty("organization_permission", out _));
        Assert.False(definition.TryGetProperty("workspace_permission", out _));
    }

    [Theory]
    [InlineData("PATCH", "")]
    [InlineData("POST", "/archive")]
    [InlineData("POST", "/unarchive")]
    [InlineData("POST", "/mapping")]
    public async Task UndefinedScope_Answers404(string method, string suffix)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        var body = suffix == "/mapping" ? """{"category":"personal"}""" : "{}";

        var response = await api.SendAsync(new HttpMethod(method), Crm + "/scopes/crm%3Aunknown" + suffix, TestApi.Json(body));

        response.AssertError(HttpStatusCode.NotFound, "scope definition not found");
    }

    [Theory]
    [InlineData("PATCH", "")]
    [InlineData("POST", "/archive")]
    [InlineData("POST", "/unarchive")]
    [InlineData("POST", "/mapping")]
    public async Task BlankScope_Answers400(string method, string suffix)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        var body = suffix == "/mapping" ? """{"category":"personal"}""" : "{}";

        var response = await api.SendAsync(new HttpMethod(method), Crm + "/scopes/%20" + suffix, TestApi.Json(body));

        response.AssertError(HttpStatusCode.BadRequest, "scope is required");
    }

    [Fact]
    public async Task UpdateScopeWithEmptyDisplayName_FallsBackToTheScope()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var response = await api.PatchJsonAsync(Crm + "/scopes/crm%3Aread", """{"display_name":"  "}""");

        var definition = EndpointTests.Definition(response.Json, "crm:read");
        Assert.Equal("crm:read", definition.GetProperty("display_name").GetString());
        Assert.Equal(JsonValueKind.String, definition.GetProperty("description").ValueKind);
    }
}
