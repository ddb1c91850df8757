using System.Net;
using System.Text.Json;

namespace Wacht.Emulator.Tests;

public sealed class HoldTests
{
    private const string RotateBasic = "apps/crm/clients/" + TestWorld.BasicClientId + "/rotate-secret";
    private const string RotatePost = "apps/crm/clients/" + TestWorld.PostClientId + "/rotate-secret";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task HeldRotate_IsExecutedAtRelease_AndInvalidatesASecretIssuedInBetween()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        emulator.HoldRotate(TestWorld.BasicPublicId);

        var late = api.PostAsync(RotateBasic);
        var held = await emulator.Holds.WaitForHeldAsync().WaitAsync(Patience);
        Assert.True(emulator.IsCurrentSecret(TestWorld.BasicPublicId, TestWorld.BasicSecret), "a held rotate has not rotated yet");
        Assert.False(late.IsCompleted);

        // The rule held one call: the next rotate goes through and its secret is current...
        var inBetween = (await api.PostAsync(RotateBasic)).Json.GetProperty("client_secret").GetString()!;
        Assert.True(emulator.IsCurrentSecret(TestWorld.BasicPublicId, inBetween));

        // ...until the late call completes at Wacht.
        var released = await emulator.Holds.ReleaseAsync(held.Id).WaitAsync(Patience);
        var lateSecret = (await late.WaitAsync(Patience)).Json.GetProperty("client_secret").GetString()!;

        Assert.Equal(new ReleasedCall(held.Id, Executed: true, Status: 200, CallerGone: false), released);
        Assert.False(emulator.IsCurrentSecret(TestWorld.BasicPublicId, inBetween));
        Assert.True(emulator.IsCurrentSecret(TestWorld.BasicPublicId, lateSecret));
        Assert.Equal(2, emulator.Calls.Count(OAuthOperations.RotateOAuthClientSecret, TestWorld.DeploymentA));
        Assert.Empty(emulator.Holds.Held);
        Assert.Empty(emulator.Holds.Rules);
    }

    [Fact]
    public async Task HeldRotate_WhoseCallerGaveUp_StillRotatesOnRelease()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Platform);
        emulator.HoldRotate(TestWorld.BasicPublicId);
        using var caller = new CancellationTokenSource();

        var call = api.Http.PostAsync(api.PathOf(RotateBasic), content: null, caller.Token);
        var held = await emulator.Holds.WaitForHeldAsync().WaitAsync(Patience);
        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await emulator.Holds.WaitForHeldAsync(h => h.CallerGone).WaitAsync(Patience);

        var released = await emulator.Holds.ReleaseAsync(held.Id).WaitAsync(Patience);

        Assert.True(released.Executed);
        Assert.True(released.CallerGone);
        Assert.Equal(200, released.Status);
        Assert.False(emulator.IsCurrentSecret(TestWorld.BasicPublicId, TestWorld.BasicSecret), "the late call rotated although nobody got its secret");
    }

    [Fact]
    public async Task ReleaseAfter_ReleasesByItself()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        emulator.HoldRotate(TestWorld.BasicPublicId, releaseAfter: TimeSpan.FromMilliseconds(200));

        var response = await api.PostAsync(RotateBasic).WaitAsync(Patience);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.True(emulator.IsCurrentSecret(TestWorld.BasicPublicId, response.Json.GetProperty("client_secret").GetString()!));
    }

    [Fact]
    public async Task Rules_MatchTheirClientAndCount()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        var byRecordId = emulator.Holds.Add(new HoldRule { OAuthClientId = TestWorld.PostClientId, Remaining = 2 });

        // Another client is not held; the post client is held twice, then the rule is used up.
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(RotateBasic).WaitAsync(Patience)).Status);
        var first = api.PostAsync(RotatePost);
        var second = api.PostAsync(RotatePost);
        await emulator.Holds.WaitForHeldAsync(h => emulator.Holds.Held.Count == 2).WaitAsync(Patience);
        Assert.Empty(emulator.Holds.Rules);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(RotatePost).WaitAsync(Patience)).Status);

        var held = emulator.Holds.Held;
        Assert.All(held, h => Assert.Equal((byRecordId.Id, TestWorld.PostClientId, TestWorld.PostPublicId, TestWorld.DeploymentA), (h.RuleId, h.OAuthClientId, h.ClientId, h.DeploymentId)));
        var released = await emulator.Holds.ReleaseAllAsync().WaitAsync(Patience);

        Assert.Equal([held[0].Id, held[1].Id], released.Select(r => r.Id));
        Assert.All(released, r => Assert.True(r.Executed));
        Assert.Equal(HttpStatusCode.OK, (await first.WaitAsync(Patience)).Status);
        Assert.Equal(HttpStatusCode.OK, (await second.WaitAsync(Patience)).Status);
    }

    [Fact]
    public async Task ARequestThatAFaultFails_IsNotHeld()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.RotateOAuthClientSecret, ErrorStatus = 503, Remaining = 1 });
        emulator.HoldRotate(TestWorld.BasicPublicId);

        var faulted = await api.PostAsync(RotateBasic).WaitAsync(Patience);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, faulted.Status);
        Assert.Empty(emulator.Holds.Held);
        Assert.Equal(1, Assert.Single(emulator.Holds.Rules).Remaining);
    }

    [Fact]
    public async Task Reset_DropsHeldCallsWithoutExecutingThem()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        emulator.HoldRotate(TestWorld.BasicPublicId);
        var call = api.PostAsync(RotateBasic);
        await emulator.Holds.WaitForHeldAsync().WaitAsync(Patience);

        emulator.Reset();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => call.WaitAsync(Patience));
        Assert.True(emulator.IsCurrentSecret(TestWorld.BasicPublicId, TestWorld.BasicSecret));
        Assert.Empty(emulator.Holds.Held);
        Assert.Empty(emulator.Holds.Rules);
    }

    [Fact]
    public async Task Disposing_TheEmulatorWithAHeldCall_DoesNotHang()
    {
        var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        emulator.HoldRotate(TestWorld.BasicPublicId);
        var call = api.PostAsync(RotateBasic);
        await emulator.Holds.WaitForHeldAsync().WaitAsync(Patience);

        await emulator.DisposeAsync().AsTask().WaitAsync(Patience);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => call.WaitAsync(Patience));
    }

    [Fact]
    public async Task InvalidRules_AreRefused()
    {
        var holds = new CallHolds(TimeProvider.System);

        Assert.Throws<ArgumentException>(() => holds.Add(new HoldRule { Operation = "rotateEverything" }));
        Assert.Throws<ArgumentException>(() => holds.Add(new HoldRule { Remaining = 0 }));
        Assert.Throws<ArgumentException>(() => holds.Add(new HoldRule { ReleaseAfterMs = -1 }));
        Assert.Throws<ArgumentException>(() => holds.Add(new HoldRule { OAuthClientId = "oc_public_id" }));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => holds.ReleaseAsync(42));
    }

    [Fact]
    public async Task OverHttp_AddListReleaseClear()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var (addStatus, addBody) = await SurfaceClient.SendAsync(emulator, HttpMethod.Post, "_emulator/holds",
            $$"""{"operation":"rotateOAuthClientSecret","client_id":"{{TestWorld.BasicPublicId}}","remaining":1}""");
        Assert.Equal(HttpStatusCode.OK, addStatus);
        Assert.True(JsonDocument.Parse(addBody).RootElement.GetProperty("id").GetInt64() > 0);

        var call = api.PostAsync(RotateBasic);
        await emulator.Holds.WaitForHeldAsync().WaitAsync(Patience);
        var (_, listBody) = await SurfaceClient.SendAsync(emulator, HttpMethod.Get, "_emulator/holds");
        var listed = JsonDocument.Parse(listBody).RootElement;
        Assert.Empty(listed.GetProperty("rules").EnumerateArray());
        var held = Assert.Single(listed.GetProperty("held").EnumerateArray().ToList());
        Assert.Equal(TestWorld.BasicClientId, held.GetProperty("oauth_client_id").GetString());
        Assert.Equal(TestWorld.BasicPublicId, held.GetProperty("client_id").GetString());
        Assert.Equal("rotateOAuthClientSecret", held.GetProperty("operation").GetString());

        var (unknownStatus, _) = await SurfaceClient.SendAsync(emulator, HttpMethod.Post, "_emulator/holds/release", """{"id":999}""");
        Assert.Equal(HttpStatusCode.NotFound, unknownStatus);

        var (releaseStatus, releaseBody) = await SurfaceClient.SendAsync(emulator, HttpMethod.Post, "_emulator/holds/release",
            $$"""{"id":{{held.GetProperty("id").GetInt64()}}}""");
        Assert.Equal(HttpStatusCode.OK, releaseStatus);
        var released = Assert.Single(JsonDocument.Parse(releaseBody).RootElement.GetProperty("released").EnumerateArray().ToList());
        Assert.True(released.GetProperty("executed").GetBoolean());
        Assert.Equal(200, released.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await call.WaitAsync(Patience)).Status);

        await SurfaceClient.SendAsync(emulator, HttpMethod.Post, "_emulator/holds", """{"client_id":"oc_someone"}""");
        var (clearStatus, _) = await SurfaceClient.SendAsync(emulator, HttpMethod.Delete, "_emulator/holds");
        Assert.Equal(HttpStatusCode.NoContent, clearStatus);
        Assert.Empty(emulator.Holds.Rules);

        var (invalidStatus, invalidBody) = await SurfaceClient.SendAsync(emulator, HttpMethod.Post, "_emulator/holds", """{"remaining":0}""");
        Assert.Equal(HttpStatusCode.BadRequest, invalidStatus);
        Assert.Contains("remaining", invalidBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverHttp_ReleaseWithoutIdReleasesAll()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        emulator.HoldRotate(TestWorld.BasicPublicId);
        var call = api.PostAsync(RotateBasic);
        await emulator.Holds.WaitForHeldAsync().WaitAsync(Patience);

        var (status, body) = await SurfaceClient.SendAsync(emulator, HttpMethod.Post, "_emulator/holds/release", "{}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(JsonDocument.Parse(body).RootElement.GetProperty("released").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await call.WaitAsync(Patience)).Status);
    }
}
