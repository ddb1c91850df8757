using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace Wacht.Emulator.Tests;

public sealed class SeedTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset GeneratorNow = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);

    private static string DemoSeedPath => Path.Combine(AppContext.BaseDirectory, "demo-seed.json");

    [Fact]
    public async Task DemoSeed_LoadsAndServesBothDeployments()
    {
        await using var emulator = await WachtEmulator.StartAsync(new EmulatorOptions { SeedPath = DemoSeedPath });

        var deployments = emulator.State.Deployments;
        Assert.Equal(2, deployments.Count);
        foreach (var deployment in deployments)
        {
            using var api = TestApi.For(emulator, PathStyle.Platform, deployment.Id);
            var apps = (await api.GetAsync("apps")).Json.GetProperty("apps").EnumerateArray().ToList();
            Assert.Equal(deployment.AppCount, apps.Count);
        }

        using var production = TestApi.For(emulator, PathStyle.Backend, deployments[0].Id);
        var appsJson = (await production.GetAsync("apps")).Json.GetProperty("apps").EnumerateArray().ToList();
        Assert.Contains(appsJson, a => !a.GetProperty("is_active").GetBoolean());
        Assert.Contains(appsJson, a => a.GetProperty("scope_definitions").EnumerateArray().Any(d => d.GetProperty("archived").GetBoolean()));

        var methods = new HashSet<string>();
        var inactiveClients = 0;
        var expiredActive = 0;
        var revoked = 0;
        foreach (var app in appsJson)
        {
            var slug = app.GetProperty("slug").GetString();
            foreach (var client in (await production.GetAsync($"apps/{slug}/clients")).Json.GetProperty("clients").EnumerateArray())
            {
                methods.Add(client.GetProperty("client_auth_method").GetString()!);
                inactiveClients += client.GetProperty("is_active").GetBoolean() ? 0 : 1;
                var grants = (await production.GetAsync($"apps/{slug}/clients/{client.GetProperty("id").GetString()}/grants")).Json.GetProperty("grants");
                foreach (var grant in grants.EnumerateArray())
                {
                    revoked += grant.GetProperty("status").GetString() == "revoked" ? 1 : 0;
                    if (grant.GetProperty("status").GetString() == "active"
                        && grant.GetProperty("expires_at").GetString() is { } expires
                        && DateTimeOffset.Parse(expires, System.Globalization.CultureInfo.InvariantCulture) < GeneratorNow)
                    {
                        expiredActive++;
                    }
                }
            }
        }

        Assert.Equal(["client_secret_basic", "client_secret_jwt", "client_secret_post", "none", "private_key_jwt"], methods.Order(StringComparer.Ordinal));
        Assert.True(inactiveClients >= 2);
        Assert.True(expiredActive >= 3);
        Assert.True(revoked >= 2);
    }

    [Fact]
    public async Task DemoSeed_StagingDeployment_NormalisesScopesAndGeneratesFqdns()
    {
        await using var emulator = await WachtEmulator.StartAsync(new EmulatorOptions { SeedPath = DemoSeedPath });
        using var staging = TestApi.For(emulator, PathStyle.Platform, "7283910238470200002");

        var tools = (await staging.GetAsync("apps")).Json.GetProperty("apps").EnumerateArray().Single(a => a.GetProperty("slug").GetString() == "internal-tools");
        Assert.Equal(["read", "support:tickets", "write"], EndpointTests.Strings(tools.GetProperty("supported_scopes")));
        Assert.Equal(3, tools.GetProperty("scope_definitions").GetArrayLength());

        var created = await staging.CreateAppAsync(("slug", "preview"), ("name", "Preview"), ("fqdn", "ignored.example.com"));
        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Matches(@"^[a-z0-9][a-z0-9-]{14}[a-z0-9]\.o\.feapis\.xyz$", created.Json.GetProperty("fqdn").GetString()!);
        Assert.True((await staging.PostAsync("apps/preview/verify-domain")).Json.GetProperty("verified").GetBoolean());
    }

    [Fact]
    public void DemoSeed_HasNoSecrets()
    {
        var text = File.ReadAllText(DemoSeedPath);

        Assert.DoesNotContain("oc_secret_", text, StringComparison.Ordinal);
        Assert.DoesNotContain("client_secret\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Generator_IsDeterministicForARandomSeed()
    {
        var options = new SeedGeneratorOptions { Deployments = 2, AppsPerDeployment = 3, ClientsPerApp = 4, GrantsPerClient = 6, RandomSeed = 99, Now = GeneratorNow };

        var first = SeedFile.Serialize(SeedGenerator.Generate(options));
        var second = SeedFile.Serialize(SeedGenerator.Generate(options));
        options.RandomSeed = 100;
        var other = SeedFile.Serialize(SeedGenerator.Generate(options));

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task Generator_2000Clients50000Grants_HasExactCounts()
    {
        var options = new SeedGeneratorOptions
        {
            Deployments = 2,
            AppsPerDeployment = 10,
            ClientsPerApp = 100,
            GrantsPerClient = 25,
            ExpiredGrantShare = 0.2,
            RevokedGrantShare = 0.1,
            InactiveClientShare = 0.1,
            SecretlessAuthShare = 0.2,
            RandomSeed = 42,
            Now = GeneratorNow,
        };

        var stopwatch = Stopwatch.StartNew();
        var seed = SeedGenerator.Generate(options);
        var generated = stopwatch.Elapsed;
        await using var emulator = await WachtEmulator.StartAsync(new EmulatorOptions { Seed = seed, TimeProvider = new FixedTimeProvider(GeneratorNow) });
        var started = stopwatch.Elapsed;

        var clients = seed.Deployments.SelectMany(d => d.Apps).SelectMany(a => a.Clients).ToList();
        var grants = clients.SelectMany(c => c.Grants).ToList();
        Assert.Equal(2_000, clients.Count);
        Assert.Equal(50_000, grants.Count);
        Assert.Equal(10_000, grants.Count(g => g.Status == "active" && g.ExpiresAt < GeneratorNow));
        Assert.Equal(5_000, grants.Count(g => g.Status == "revoked"));
        Assert.Equal(200, clients.Count(c => !c.IsActive));
        Assert.Equal(400, clients.Count(c => c.ClientAuthMethod is "none" or "private_key_jwt"));
        Assert.Equal(50_000, emulator.State.Deployments.Sum(d => d.GrantCount));
        Assert.Equal(2_000, emulator.State.Deployments.Sum(d => d.ClientCount));

        // Serve every grant listing of one deployment over HTTP and count the expired ones on the wire.
        var deployment = emulator.State.Deployments[0];
        using var api = TestApi.For(emulator, PathStyle.Backend, deployment.Id);
        var listing = Stopwatch.StartNew();
        var wireGrants = 0;
        var wireExpired = 0;
        foreach (var app in (await api.GetAsync("apps")).Json.GetProperty("apps").EnumerateArray())
        {
            var slug = app.GetProperty("slug").GetString();
            foreach (var client in (await api.GetAsync($"apps/{slug}/clients")).Json.GetProperty("clients").EnumerateArray())
            {
                var response = await api.GetAsync($"apps/{slug}/clients/{client.GetProperty("id").GetString()}/grants");
                foreach (var grant in response.Json.GetProperty("grants").EnumerateArray())
                {
                    wireGrants++;
                    if (grant.GetProperty("status").GetString() == "active"
                        && grant.GetProperty("expires_at").ValueKind == JsonValueKind.String
                        && DateTimeOffset.Parse(grant.GetProperty("expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture) < GeneratorNow)
                    {
                        wireExpired++;
                    }
                }
            }
        }

        var expectedExpired = seed.Deployments[0].Apps.SelectMany(a => a.Clients).SelectMany(c => c.Grants).Count(g => g.Status == "active" && g.ExpiresAt < GeneratorNow);
        Assert.Equal(25_000, wireGrants);
        Assert.Equal(expectedExpired, wireExpired);
        output.WriteLine($"generate 50,000 grants: {generated.TotalMilliseconds:F0} ms; generate + load + start: {started.TotalMilliseconds:F0} ms; 1,000 grant listings over HTTP: {listing.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task GeneratedDeployment_UsesTheApiKeyPattern()
    {
        await using var emulator = await WachtEmulator.StartAsync(new EmulatorOptions
        {
            Generate = new SeedGeneratorOptions { Deployments = 2, AppsPerDeployment = 1, ClientsPerApp = 1, GrantsPerClient = 0, Now = GeneratorNow },
        });

        foreach (var deployment in emulator.State.Deployments)
        {
            Assert.Equal($"wk_emulator_{deployment.Id}", emulator.State.GetApiKey(deployment.Id));
            using var api = TestApi.For(emulator, PathStyle.Platform, deployment.Id);
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("apps")).Status);
        }
    }

    [Fact]
    public void SeedFile_RoundTripsSnakeCase()
    {
        var seed = TestWorld.Seed();

        var json = SeedFile.Serialize(seed);
        var again = SeedFile.Serialize(SeedFile.Parse(json));

        Assert.Equal(json, again);
        Assert.Contains("\"organization_permissions\"", json, StringComparison.Ordinal);
        Assert.Contains("\"client_auth_method\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeededClientWithoutSecret_HasASecretNobodyKnows()
    {
        var seed = SeedFile.Parse("""
            {"deployments":[{"id":"7283910238470000301","api_key":"k","apps":[{"slug":"a","name":"A","supported_scopes":["read"],
              "clients":[{"client_id":"oc_known_id","client_auth_method":"client_secret_basic","redirect_uris":["https://a.example.com/cb"]}]}]}]}
            """);
        await using var emulator = await WachtEmulator.StartAsync(new EmulatorOptions { Seed = seed });

        Assert.False(emulator.IsCurrentSecret("oc_known_id", ""));
        Assert.False(emulator.IsCurrentSecret("oc_known_id", TestWorld.BasicSecret));
    }

    [Fact]
    public void SeedWithUnknownField_IsRejected()
    {
        var ex = Assert.Throws<InvalidDataException>(() => SeedFile.Parse("""{"deployments":[{"id":"1","api_kee":"typo"}]}"""));

        Assert.Contains("api_kee", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"deployments":[{"id":"1","apps":[{"slug":"a","name":"A"},{"slug":"a","name":"B"}]}]}""", "duplicate app slug")]
    [InlineData("""{"deployments":[{"id":"x1"}]}""", "not a positive 64-bit integer")]
    [InlineData("""{"deployments":[{"id":"1","apps":[{"slug":"a","name":"A","clients":[{"client_auth_method":"magic"}]}]}]}""", "unsupported client_auth_method")]
    [InlineData("""{"deployments":[{"id":"1","apps":[{"slug":"a","name":"A","clients":[{"client_auth_method":"none","client_secret":"s"}]}]}]}""", "cannot have a client_secret")]
    [InlineData("""{"deployments":[{"id":"1","apps":[{"slug":"a","name":"A","supported_scopes":["x"],"scope_definitions":[{"scope":"x","category":"cosmic"}]}]}]}""", "scope category must be one of")]
    public async Task InvalidSeed_FailsAtStartupWithAClearMessage(string json, string message)
    {
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => WachtEmulator.StartAsync(new EmulatorOptions { Seed = SeedFile.Parse(json) }));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
