using System.Net;
using System.Text.Json;

namespace Wacht.Emulator.Tests;

public sealed class GrantTests
{
    private const string BasicClient = "apps/crm/clients/" + TestWorld.BasicClientId;

    [Fact]
    public async Task RevokeAlreadyRevokedGrant_Answers200AndKeepsRevokedAt()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        var before = EndpointTests.Grant(await api.GetAsync(BasicClient + "/grants"), TestWorld.GrantRevoked);

        var response = await api.PostAsync(BasicClient + "/grants/" + TestWorld.GrantRevoked + "/revoke");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var after = EndpointTests.Grant(await api.GetAsync(BasicClient + "/grants"), TestWorld.GrantRevoked);
        Assert.Equal("2026-06-01T00:00:00.000000Z", after.GetProperty("revoked_at").GetString());
        Assert.Equal(before.GetProperty("updated_at").GetString(), after.GetProperty("updated_at").GetString());
    }

    [Fact]
    public async Task RevokeUnknownGrantOfKnownClient_Answers200()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Platform);

        var response = await api.PostAsync(BasicClient + "/grants/7283910238479999999/revoke");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("{}", response.Body);
    }

    [Fact]
    public async Task RevokeSetsRevokedAtToNow()
    {
        var now = DateTimeOffset.Parse("2026-11-26T10:15:30.1234567Z", System.Globalization.CultureInfo.InvariantCulture);
        await using var emulator = await TestWorld.StartAsync(o => o.TimeProvider = new FixedTimeProvider(now));
        using var api = TestApi.For(emulator, PathStyle.Backend);

        await api.PostAsync(BasicClient + "/grants/" + TestWorld.GrantExpired + "/revoke");

        var grant = EndpointTests.Grant(await api.GetAsync(BasicClient + "/grants"), TestWorld.GrantExpired);
        Assert.Equal("revoked", grant.GetProperty("status").GetString());
        Assert.Equal("2026-11-26T10:15:30.123456Z", grant.GetProperty("revoked_at").GetString());
        Assert.Equal("2026-11-26T10:15:30.123456Z", grant.GetProperty("updated_at").GetString());
    }

    [Fact]
    public async Task RevokeBodyStyleNull_AnswersNull()
    {
        await using var emulator = await TestWorld.StartAsync(o => o.RevokeBodyStyle = RevokeBodyStyle.Null);
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var response = await api.PostAsync(BasicClient + "/grants/" + TestWorld.GrantNewest + "/revoke");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("null", response.Body);
    }

    [Fact]
    public async Task ExpiredGrant_StaysActive()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var grant = EndpointTests.Grant(await api.GetAsync(BasicClient + "/grants"), TestWorld.GrantExpired);

        Assert.Equal("active", grant.GetProperty("status").GetString());
        Assert.Equal("2026-02-01T00:00:00.000000Z", grant.GetProperty("expires_at").GetString());
    }

    [Fact]
    public async Task GrantsOfInactiveClient_AreListedAndRevocable()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        const string Inactive = "apps/crm/clients/" + TestWorld.InactiveClientId;

        var grants = (await api.GetAsync(Inactive + "/grants")).Json.GetProperty("grants");
        var id = Assert.Single(grants.EnumerateArray().ToList()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(Inactive + "/grants/" + id + "/revoke")).Status);

        var after = EndpointTests.Grant(await api.GetAsync(Inactive + "/grants"), id!);
        Assert.Equal("revoked", after.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, after.GetProperty("revoked_at").ValueKind);
    }
}
