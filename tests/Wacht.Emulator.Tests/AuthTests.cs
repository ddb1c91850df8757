using System.Net;
using System.Net.Http.Headers;

namespace Wacht.Emulator.Tests;

public sealed class AuthTests
{
    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task MissingKey_Answers401Envelope(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = new TestApi(emulator, style, TestWorld.DeploymentA, apiKey: null);

        var response = await api.GetAsync("apps");

        response.AssertError(HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Equal("application/json", response.ContentHeaders?.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(PathStyle.Backend)]
    [InlineData(PathStyle.Platform)]
    public async Task UnknownKey_Answers401(PathStyle style)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = new TestApi(emulator, style, TestWorld.DeploymentA, "wk_not_a_key");

        (await api.GetAsync("apps")).AssertError(HttpStatusCode.Unauthorized, "Unauthorized");
        (await api.PostAsync("apps/crm/clients/" + TestWorld.BasicClientId + "/rotate-secret")).AssertError(HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.True(emulator.IsCurrentSecret(TestWorld.BasicPublicId, TestWorld.BasicSecret));
    }

    [Fact]
    public async Task OtherDeploymentsKey_OnPlatformPath_Answers401()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = new TestApi(emulator, PathStyle.Platform, TestWorld.DeploymentA, TestWorld.KeyB);

        (await api.GetAsync("apps")).AssertError(HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Fact]
    public async Task UnknownDeploymentOnPlatformPath_Answers401()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = new TestApi(emulator, PathStyle.Platform, "7283910238470009999", TestWorld.KeyA);

        (await api.GetAsync("apps")).AssertError(HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Fact]
    public async Task BackendPath_KeySelectsTheDeployment()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var apiB = new TestApi(emulator, PathStyle.Backend, TestWorld.DeploymentB, TestWorld.KeyB);

        var response = await apiB.GetAsync("apps");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var app = Assert.Single(response.Json.GetProperty("apps").EnumerateArray().ToList());
        Assert.Equal("billing", app.GetProperty("slug").GetString());
        (await apiB.GetAsync("apps/crm/clients")).AssertError(HttpStatusCode.NotFound, "OAuth app not found");
    }

    [Fact]
    public async Task NonBearerScheme_Answers401()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = new TestApi(emulator, PathStyle.Backend, TestWorld.DeploymentA, apiKey: null);
        api.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", TestWorld.KeyA);

        (await api.GetAsync("apps")).AssertError(HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Fact]
    public async Task FailedAuthentication_IsCountedUnderUnauthenticated()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = new TestApi(emulator, PathStyle.Platform, TestWorld.DeploymentA, TestWorld.KeyB);

        await api.GetAsync("apps");

        Assert.Equal(1, emulator.Calls.Count(OAuthOperations.ListOAuthApps, OAuthOperations.UnauthenticatedDeployment));
        Assert.Equal(0, emulator.Calls.Count(OAuthOperations.ListOAuthApps, TestWorld.DeploymentA));
        Assert.Equal(0, emulator.Calls.Count(OAuthOperations.ListOAuthApps, TestWorld.DeploymentB));
    }
}
