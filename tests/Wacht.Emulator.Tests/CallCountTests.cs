using System.Net;
using System.Text.Json;

namespace Wacht.Emulator.Tests;

public sealed class CallCountTests
{
    [Fact]
    public async Task EveryEndpoint_IsCountedUnderItsSdkMethodName()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        using var platform = TestApi.For(emulator, PathStyle.Platform);
        const string Client = "apps/crm/clients/" + TestWorld.PostClientId;

        await api.GetAsync("apps");
        await api.CreateAppAsync(("slug", "counted"), ("name", "Counted"), ("fqdn", "counted.example.com"));
        await api.PatchJsonAsync("apps/crm", "{}");
        await api.PostAsync("apps/crm/verify-domain");
        await api.PatchJsonAsync("apps/crm/scopes/read", "{}");
        await api.PostAsync("apps/crm/scopes/read/archive");
        await api.PostAsync("apps/crm/scopes/read/unarchive");
        await api.PostJsonAsync("apps/crm/scopes/read/mapping", """{"category":"personal"}""");
        await api.GetAsync("apps/crm/clients");
        await api.PostJsonAsync("apps/crm/clients", """{"redirect_uris":["https://a.example.com/cb"]}""");
        await api.PatchJsonAsync(Client, "{}");
        await platform.PostAsync(Client + "/rotate-secret");
        await platform.GetAsync(Client + "/grants");
        await platform.PostAsync(Client + "/grants/1/revoke");
        await platform.DeleteAsync(Client);
        await platform.GetAsync("apps/crm/signing-keys");
        await platform.PostAsync("apps/crm/signing-keys/rotate");
        await platform.PostAsync("apps/crm/signing-keys/unknown/compromise");

        foreach (var operation in OAuthOperations.All)
        {
            Assert.Equal(1, emulator.Calls.Count(operation, TestWorld.DeploymentA));
        }

        Assert.Equal(18, emulator.Calls.Count(OAuthOperations.Any));
        Assert.Equal(0, emulator.Calls.Count(OAuthOperations.Any, TestWorld.DeploymentB));
    }

    [Fact]
    public async Task CallsOverHttp_ListAndReset()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        await api.GetAsync("apps");
        await api.GetAsync("apps");
        await api.GetAsync("apps/crm/clients");

        var (status, body) = await SurfaceClient.SendAsync(emulator, HttpMethod.Get, "_emulator/calls");

        Assert.Equal(HttpStatusCode.OK, status);
        var calls = JsonDocument.Parse(body).RootElement.GetProperty("calls").EnumerateArray().ToList();
        Assert.Equal(2, calls.Count);
        var apps = calls.Single(c => c.GetProperty("operation").GetString() == "listOAuthApps");
        Assert.Equal(TestWorld.DeploymentA, apps.GetProperty("deployment_id").GetString());
        Assert.Equal(2, apps.GetProperty("count").GetInt32());

        var (deleteStatus, _) = await SurfaceClient.SendAsync(emulator, HttpMethod.Delete, "_emulator/calls");
        Assert.Equal(HttpStatusCode.NoContent, deleteStatus);
        Assert.Equal(0, emulator.Calls.Count(OAuthOperations.Any));
        Assert.Empty(emulator.Calls.Snapshot());
    }

    [Fact]
    public async Task TestSurfaceAndUnknownRoutes_AreNotCounted()
    {
        await using var emulator = await TestWorld.StartAsync();
        await SurfaceClient.SendAsync(emulator, HttpMethod.Get, "_emulator/health");
        await SurfaceClient.SendAsync(emulator, HttpMethod.Get, "oauth/unknown");

        Assert.Equal(0, emulator.Calls.Count(OAuthOperations.Any));
    }
}
