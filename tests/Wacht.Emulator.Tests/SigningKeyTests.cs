using System.Globalization;
using System.Net;

namespace Wacht.Emulator.Tests;

/// <summary>Signing keys as the platform models them: one active key, rotate retires it, compromise hides the key.</summary>
public sealed class SigningKeyTests
{
    private const string Keys = "apps/crm/signing-keys";

    [Fact]
    public async Task Rotate_RetiresTheActiveKey_ListsNewestFirst_WithPlatformKids()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        var first = Kids(await api.GetAsync(Keys)).Single();

        var second = (await api.PostAsync(Keys + "/rotate")).Json.GetProperty("new").GetProperty("kid").GetString()!;
        var third = (await api.PostAsync(Keys + "/rotate")).Json.GetProperty("new").GetProperty("kid").GetString()!;

        var listed = (await api.GetAsync(Keys)).Json.GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal([third, second, first], listed.Select(k => k.GetProperty("kid").GetString()));
        Assert.Equal(["active", "retired", "retired"], listed.Select(k => k.GetProperty("status").GetString()));
        Assert.All([first, second, third], kid => Assert.Matches($"^oas-{TestWorld.CrmAppId}-[0-9]+$", kid));
        Assert.All(listed, k => Assert.Equal(["kid", "algorithm", "status", "public_key_pem"], k.EnumerateObject().Select(p => p.Name)));
    }

    [Fact]
    public async Task CompromisingTheActiveKey_IssuesANewActiveKey_AndHidesTheCompromisedOne()
    {
        var now = DateTimeOffset.Parse("2026-11-26T10:00:00Z", CultureInfo.InvariantCulture);
        await using var emulator = await TestWorld.StartAsync(o => o.TimeProvider = new FixedTimeProvider(now));
        using var api = TestApi.For(emulator, PathStyle.Platform);
        var active = Kids(await api.GetAsync(Keys)).Single();

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"{Keys}/{active}/compromise")).Status);

        var listed = (await api.GetAsync(Keys)).Json.GetProperty("keys").EnumerateArray().ToList();
        var replacement = Assert.Single(listed);
        Assert.Equal("active", replacement.GetProperty("status").GetString());
        Assert.NotEqual(active, replacement.GetProperty("kid").GetString());
        var held = emulator.State.GetSigningKeys(TestWorld.DeploymentA, "crm");
        Assert.Equal(
            [(active, "compromised", (DateTimeOffset?)now), (replacement.GetProperty("kid").GetString()!, "active", null)],
            held.Select(k => (k.Kid, k.Status, k.RetiredAt)));
        Assert.Equal(now, held[1].CreatedAt);
    }

    [Fact]
    public async Task CompromisingARetiredKey_LeavesTheActiveKeyAlone()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        var retired = Kids(await api.GetAsync(Keys)).Single();
        var active = (await api.PostAsync(Keys + "/rotate")).Json.GetProperty("new").GetProperty("kid").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"{Keys}/{retired}/compromise")).Status);

        Assert.Equal([active], Kids(await api.GetAsync(Keys)));
        Assert.Equal(2, emulator.State.GetSigningKeys(TestWorld.DeploymentA, "crm").Count);
    }

    [Fact]
    public async Task CompromisingTwice_Is404_AsOnThePlatform()
    {
        await using var emulator = await TestWorld.StartAsync();
        using var api = TestApi.For(emulator, PathStyle.Backend);
        var kid = Kids(await api.GetAsync(Keys)).Single();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"{Keys}/{kid}/compromise")).Status);

        var again = await api.PostAsync($"{Keys}/{kid}/compromise");

        again.AssertError(HttpStatusCode.NotFound, $"no signing key with kid '{kid}' for this app");
        Assert.Equal(2, emulator.State.GetSigningKeys(TestWorld.DeploymentA, "crm").Count);
    }

    [Fact]
    public async Task SeededKeys_KeepTheirTimestamps_AndAnAppWithoutActiveKeyGetsOneOnRotate()
    {
        var created = DateTimeOffset.Parse("2025-03-01T00:00:00Z", CultureInfo.InvariantCulture);
        var retired = DateTimeOffset.Parse("2025-09-01T00:00:00Z", CultureInfo.InvariantCulture);
        var seed = TestWorld.Seed();
        seed.Deployments[0].Apps[0].SigningKeys =
        [
            new SeedSigningKey { Kid = "k-old", Status = "retired", CreatedAt = created, RetiredAt = retired },
            new SeedSigningKey { Kid = "k-leaked", Status = "compromised", CreatedAt = retired },
        ];
        await using var emulator = await WachtEmulator.StartAsync(new EmulatorOptions { Seed = seed });
        using var api = TestApi.For(emulator, PathStyle.Backend);

        Assert.Equal(["k-old"], Kids(await api.GetAsync(Keys)));
        var keys = emulator.State.GetSigningKeys(TestWorld.DeploymentA, "crm");
        Assert.Equal([("k-old", created, (DateTimeOffset?)retired), ("k-leaked", retired, retired)], keys.Select(k => (k.Kid, k.CreatedAt, k.RetiredAt)));

        var rotated = (await api.PostAsync(Keys + "/rotate")).Json.GetProperty("new").GetProperty("kid").GetString()!;
        Assert.Equal([rotated, "k-old"], Kids(await api.GetAsync(Keys)));
    }

    [Theory]
    [InlineData("stolen", null, "signing key status must be active, retired or compromised")]
    [InlineData("active", null, "more than one active signing key")]
    [InlineData("retired", "k1", "duplicate signing key kid 'k1'")]
    public void InvalidSeededKeys_FailAtLoad(string secondStatus, string? secondKid, string message)
    {
        var seed = TestWorld.Seed();
        seed.Deployments[0].Apps[0].SigningKeys =
        [
            new SeedSigningKey { Kid = "k1", Status = "active" },
            new SeedSigningKey { Kid = secondKid, Status = secondStatus },
        ];

        var error = Assert.ThrowsAny<InvalidDataException>(() => new EmulatorState(TimeProvider.System, "ES256", seed));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSigningKeys_OfAnUnknownDeploymentOrApp_Throws()
    {
        await using var emulator = await TestWorld.StartAsync();

        Assert.Throws<KeyNotFoundException>(() => emulator.State.GetSigningKeys("1", "crm"));
        Assert.Throws<KeyNotFoundException>(() => emulator.State.GetSigningKeys(TestWorld.DeploymentA, "nope"));
    }

    private static List<string> Kids(ApiResponse response) =>
        [.. response.Json.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
}
