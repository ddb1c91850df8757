using System.Net;

namespace Wacht.Emulator.Tests;

public sealed class SecretTests
{
    private const string SecretPattern = "^oc_secret_[A-Za-z0-9_-]{43}$";
    private const string Clients = "apps/crm/clients/";

    [Theory]
    [InlineData("none")]
    [InlineData("private_key_jwt")]
    public async Task CreateClientWithoutSecretMethod_OmitsClientSecret(string method)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        var keyMaterial = method == "private_key_jwt" ? ""","jwks_uri":"https://a.example.com/jwks.json" """ : "";

        var response = await api.PostJsonAsync("apps/crm/clients", $$"""{"client_auth_method":"{{method}}","redirect_uris":["https://a.example.com/cb"]{{keyMaterial}}}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.False(response.Json.TryGetProperty("client_secret", out _));
    }

    [Theory]
    [InlineData("client_secret_basic")]
    [InlineData("client_secret_post")]
    [InlineData("client_secret_jwt")]
    public async Task CreateClientWithSecretMethod_ReturnsAWorkingSecret(string method)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Platform);

        var response = await api.PostJsonAsync("apps/crm/clients", $$"""{"client_auth_method":"{{method}}","redirect_uris":["https://a.example.com/cb"]}""");

        var secret = response.Json.GetProperty("client_secret").GetString()!;
        var clientId = response.Json.GetProperty("client_id").GetString()!;
        Assert.Matches(SecretPattern, secret);
        Assert.Matches("^oc_[A-Za-z0-9_-]{32}$", clientId);
        Assert.True(await SurfaceClient.VerifySecretAsync(emulator, clientId, secret));
        Assert.False(await SurfaceClient.VerifySecretAsync(emulator, clientId, secret + "x"));
    }

    [Fact]
    public async Task RotateTwice_OnlyTheLastSecretWorks()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        var first = (await api.PostAsync(Clients + TestWorld.PostClientId + "/rotate-secret")).Json.GetProperty("client_secret").GetString()!;
        var second = (await api.PostAsync(Clients + TestWorld.PostClientId + "/rotate-secret")).Json.GetProperty("client_secret").GetString()!;

        Assert.NotEqual(first, second);
        Assert.False(emulator.IsCurrentSecret(TestWorld.PostPublicId, TestWorld.PostSecret));
        Assert.False(emulator.IsCurrentSecret(TestWorld.PostPublicId, first));
        Assert.True(emulator.IsCurrentSecret(TestWorld.PostPublicId, second));
    }

    [Theory]
    [InlineData(TestWorld.NoneClientId)]
    [InlineData(TestWorld.PrivateKeyJwtClientId)]
    public async Task RotateForSecretlessAuthMethod_Answers400(string clientRecordId)
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        (await api.PostAsync(Clients + clientRecordId + "/rotate-secret"))
            .AssertError(HttpStatusCode.BadRequest, "client_secret rotation is not supported for this auth method");
    }

    [Fact]
    public async Task RotateInactiveClient_Answers404AndKeepsNothingValid()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);

        (await api.PostAsync(Clients + TestWorld.InactiveClientId + "/rotate-secret"))
            .AssertError(HttpStatusCode.NotFound, "OAuth client not found or inactive");
        Assert.False(emulator.IsCurrentSecret(TestWorld.InactivePublicId, TestWorld.InactiveSecret));
    }

    [Fact]
    public async Task SeededSecret_IsCurrent_UnknownClientIsNot()
    {
        await using var emulator = await TestWorld.StartAsync();

        Assert.True(await SurfaceClient.VerifySecretAsync(emulator, TestWorld.BasicPublicId, TestWorld.BasicSecret));
        Assert.False(await SurfaceClient.VerifySecretAsync(emulator, TestWorld.BasicPublicId, TestWorld.PostSecret));
        Assert.False(await SurfaceClient.VerifySecretAsync(emulator, "oc_unknown", TestWorld.BasicSecret));
    }
}
