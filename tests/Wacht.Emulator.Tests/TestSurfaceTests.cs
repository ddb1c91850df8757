using System.Net;
using System.Text.Json;

namespace Wacht.Emulator.Tests;

public sealed class TestSurfaceTests
{
    [Fact]
    public async Task Health_AnswersOk()
    {
        await using var emulator = await TestWorld.StartAsync();

        var (status, body) = await SurfaceClient.SendAsync(emulator, HttpMethod.Get, "_emulator/health");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"status":"ok"}""", body);
    }

    [Fact]
    public async Task Deployments_ListsCountsButNoKeys()
    {
        await using var emulator = await TestWorld.StartAsync();

        var (_, body) = await SurfaceClient.SendAsync(emulator, HttpMethod.Get, "_emulator/deployments");

        var deployments = JsonDocument.Parse(body).RootElement.GetProperty("deployments").EnumerateArray().ToList();
        Assert.Equal([TestWorld.DeploymentA, TestWorld.DeploymentB], deployments.Select(d => d.GetProperty("id").GetString()));
        Assert.Equal(5, deployments[0].GetProperty("clients").GetInt32());
        Assert.Equal(5, deployments[0].GetProperty("grants").GetInt32());
        Assert.DoesNotContain(TestWorld.KeyA, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_ReloadsTheSeedAndClearsCallsAndFaults()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        await api.PostAsync("apps/crm/clients/" + TestWorld.BasicClientId + "/rotate-secret");
        emulator.Faults.Add(new FaultRule { LatencyMs = 1 });
        Assert.False(emulator.IsCurrentSecret(TestWorld.BasicPublicId, TestWorld.BasicSecret));

        var (status, _) = await SurfaceClient.SendAsync(emulator, HttpMethod.Post, "_emulator/reset");

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.True(emulator.IsCurrentSecret(TestWorld.BasicPublicId, TestWorld.BasicSecret));
        Assert.Equal(0, emulator.Calls.Count(OAuthOperations.Any));
        Assert.Empty(emulator.Faults.Rules);
    }

    [Fact]
    public async Task VerifySecret_RejectsMalformedBody()
    {
        await using var emulator = await TestWorld.StartAsync();

        var (status, body) = await SurfaceClient.SendAsync(emulator, HttpMethod.Post, "_emulator/secrets/verify", "{not json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(400, JsonDocument.Parse(body).RootElement.GetProperty("errors")[0].GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task BaseAddress_IsLoopbackWithAFreePort()
    {
        await using var first = await TestWorld.StartAsync();
        await using var second = await TestWorld.StartAsync();

        Assert.Equal("127.0.0.1", first.BaseAddress.Host);
        Assert.NotEqual(0, first.BaseAddress.Port);
        Assert.NotEqual(first.BaseAddress.Port, second.BaseAddress.Port);
        Assert.EndsWith("/", first.BaseAddress.AbsoluteUri, StringComparison.Ordinal);
    }
}
