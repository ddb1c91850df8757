using System.Net;
using System.Text;
using Wacht.Emulator;

namespace Wacht.Client.IntegrationTests;

/// <summary>
/// CheckClientSecretAsync against the emulator's runtime endpoint over real HTTP: the client reaches the emulator's
/// port (RuntimeBaseUrl) with Host: the app's fqdn, and the emulator decides as the platform would.
/// </summary>
public sealed class SecretCheckTests
{
    public static TheoryData<string, string> MethodsPerDeployment() => new()
    {
        { World.BackendDeployment, ClientAuthMethods.ClientSecretBasic },
        { World.BackendDeployment, ClientAuthMethods.ClientSecretPost },
        { World.BackendDeployment, ClientAuthMethods.ClientSecretJwt },
        { World.PlatformDeployment, ClientAuthMethods.ClientSecretBasic },
        { World.PlatformDeployment, ClientAuthMethods.ClientSecretPost },
        { World.PlatformDeployment, ClientAuthMethods.ClientSecretJwt },
    };

    [Theory]
    [MemberData(nameof(MethodsPerDeployment))]
    public async Task The_current_secret_is_accepted_and_rejected_after_a_rotation(string deployment, string method)
    {
        await using var world = await World.StartAsync();
        var wacht = world.Client(deployment);
        var fqdn = World.AppFqdn(deployment);
        var created = await CreateClientAsync(wacht, method);
        var listed = (await wacht.ListOAuthClientsAsync(World.AppSlug)).Single(c => c.Id == created.Id);

        Assert.Equal(SecretCheck.Accepted, await wacht.CheckClientSecretAsync(fqdn, listed, created.ClientSecret!));
        Assert.Equal(SecretCheck.Accepted, await wacht.CheckClientSecretAsync(fqdn, created.ClientId, method, created.ClientSecret!));

        var rotated = await wacht.RotateOAuthClientSecretAsync(World.AppSlug, created.Id);

        Assert.Equal(SecretCheck.Rejected, await wacht.CheckClientSecretAsync(fqdn, listed, created.ClientSecret!));
        Assert.Equal(SecretCheck.Accepted, await wacht.CheckClientSecretAsync(fqdn, listed, rotated.ClientSecret));
        Assert.Equal(4, world.Emulator.Calls.Count(OAuthOperations.OAuthIntrospect, deployment));
    }

    [Fact]
    public async Task The_seeded_secret_is_accepted_and_another_is_rejected()
    {
        await using var world = await World.StartAsync();
        var wacht = world.Client(World.BackendDeployment);
        var service = await world.FindClientAsync(World.BackendDeployment, World.ServiceClientName);
        var fqdn = World.AppFqdn(World.BackendDeployment);

        Assert.Equal(SecretCheck.Accepted, await wacht.CheckClientSecretAsync(fqdn, service, new ClientSecret(world.SeededSecrets[World.BackendDeployment])));
        Assert.Equal(SecretCheck.Rejected, await wacht.CheckClientSecretAsync(fqdn, service, new ClientSecret(world.SeededSecrets[World.PlatformDeployment])));
    }

    [Fact]
    public async Task An_inactive_client_is_rejected()
    {
        await using var world = await World.StartAsync();
        var wacht = world.Client(World.BackendDeployment);
        var created = await CreateClientAsync(wacht, ClientAuthMethods.ClientSecretBasic);

        await wacht.DeactivateOAuthClientAsync(World.AppSlug, created.Id);

        Assert.Equal(SecretCheck.Rejected, await wacht.CheckClientSecretAsync(
            World.AppFqdn(World.BackendDeployment), created.ClientId, created.ClientAuthMethod, created.ClientSecret!));
    }

    [Fact]
    public async Task The_app_of_another_deployment_does_not_know_the_client()
    {
        await using var world = await World.StartAsync();
        var created = await CreateClientAsync(world.Client(World.BackendDeployment), ClientAuthMethods.ClientSecretPost);

        Assert.Equal(SecretCheck.Rejected, await world.Client(World.BackendDeployment).CheckClientSecretAsync(
            World.AppFqdn(World.PlatformDeployment), created.ClientId, created.ClientAuthMethod, created.ClientSecret!));
    }

    [Fact]
    public async Task A_host_that_is_no_apps_fqdn_is_a_distinct_error()
    {
        await using var world = await World.StartAsync();
        var wacht = world.Client(World.BackendDeployment);
        var service = await world.FindClientAsync(World.BackendDeployment, World.ServiceClientName);

        var error = await Assert.ThrowsAsync<WachtAppHostNotFoundException>(() =>
            wacht.CheckClientSecretAsync("typo.example.com", service, new ClientSecret(world.SeededSecrets[World.BackendDeployment])));

        Assert.Equal("typo.example.com", error.AppHost);
        Assert.False(error.IsTransient);
        Assert.Equal(1, world.Emulator.Calls.Count(OAuthOperations.OAuthIntrospect, OAuthOperations.UnknownHostDeployment));
    }

    [Fact]
    public async Task A_client_without_a_secret_is_not_applicable_and_nothing_is_sent()
    {
        await using var world = await World.StartAsync();
        var spa = await world.FindClientAsync(World.BackendDeployment, World.PublicClientName);

        Assert.Equal(SecretCheck.NotApplicable, await world.Client(World.BackendDeployment).CheckClientSecretAsync(
            World.AppFqdn(World.BackendDeployment), spa, new ClientSecret("anything")));
        Assert.Equal(0, world.Emulator.Calls.Count(OAuthOperations.OAuthIntrospect));
    }

    [Theory]
    [InlineData(ClientAuthMethods.ClientSecretBasic)]
    [InlineData(ClientAuthMethods.ClientSecretJwt)]
    public async Task Injected_503s_are_retried_until_the_answer(string method)
    {
        await using var world = await World.StartAsync();
        var wacht = world.Client(World.BackendDeployment);
        var created = await CreateClientAsync(wacht, method);
        world.Emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.OAuthIntrospect, ErrorStatus = 503, Remaining = 2 });

        var result = await wacht.CheckClientSecretAsync(World.AppFqdn(World.BackendDeployment), created.ClientId, method, created.ClientSecret!);

        Assert.Equal(SecretCheck.Accepted, result);
        Assert.Equal(3, world.Emulator.Calls.Count(OAuthOperations.OAuthIntrospect, World.BackendDeployment));
    }

    [Fact]
    public async Task A_retry_after_a_lost_answer_uses_a_fresh_jti_so_the_emulator_does_not_refuse_it_as_a_replay()
    {
        await using var world = await World.StartAsync();
        var wacht = world.Client(World.BackendDeployment);
        var created = await CreateClientAsync(wacht, ClientAuthMethods.ClientSecretJwt);

        // The emulator authenticates the first attempt (using up its jti) and then drops the connection.
        world.Emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.OAuthIntrospect, LoseResponse = true, Remaining = 1 });

        var result = await wacht.CheckClientSecretAsync(World.AppFqdn(World.BackendDeployment), created.ClientId, created.ClientAuthMethod, created.ClientSecret!);

        Assert.Equal(SecretCheck.Accepted, result);
        Assert.Equal(2, world.Emulator.Calls.Count(OAuthOperations.OAuthIntrospect, World.BackendDeployment));
    }

    [Fact]
    public async Task The_emulator_refuses_a_replayed_assertion_of_the_client()
    {
        await using var world = await World.StartAsync();
        var wacht = world.Client(World.BackendDeployment);
        var fqdn = World.AppFqdn(World.BackendDeployment);
        var created = await CreateClientAsync(wacht, ClientAuthMethods.ClientSecretJwt);
        Assert.Equal(SecretCheck.Accepted, await wacht.CheckClientSecretAsync(fqdn, created.ClientId, created.ClientAuthMethod, created.ClientSecret!));
        var sent = Assert.Single(world.RuntimeRequestBodies);

        using var http = new HttpClient { BaseAddress = world.Emulator.BaseAddress };
        using var replay = new HttpRequestMessage(HttpMethod.Post, "oauth/introspect")
        {
            Content = new StringContent(sent, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        replay.Headers.Host = fqdn;
        using var response = await http.SendAsync(replay);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"error":"invalid_client"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(SecretCheck.Accepted, await wacht.CheckClientSecretAsync(fqdn, created.ClientId, created.ClientAuthMethod, created.ClientSecret!));
    }

    [Fact]
    public async Task With_the_platforms_400_for_a_bad_signature_a_wrong_jwt_secret_is_still_rejected()
    {
        await using var world = await World.StartAsync(configureEmulator: o => o.PlatformAssertionErrors = true);
        var wacht = world.Client(World.BackendDeployment);
        var fqdn = World.AppFqdn(World.BackendDeployment);
        var created = await CreateClientAsync(wacht, ClientAuthMethods.ClientSecretJwt);

        Assert.Equal(SecretCheck.Rejected, await wacht.CheckClientSecretAsync(fqdn, created.ClientId, created.ClientAuthMethod, new ClientSecret(World.NewSecret())));
        Assert.Equal(SecretCheck.Accepted, await wacht.CheckClientSecretAsync(fqdn, created.ClientId, created.ClientAuthMethod, created.ClientSecret!));
    }

    [Theory]
    [InlineData(-110)]
    [InlineData(110)]
    public async Task Two_minutes_of_clock_skew_do_not_turn_an_accepted_secret_into_a_rejected_one(int emulatorAheadSeconds)
    {
        await using var world = await World.StartAsync(configureEmulator: o => o.TimeProvider = new ShiftedTimeProvider(TimeSpan.FromSeconds(emulatorAheadSeconds)));
        var wacht = world.Client(World.BackendDeployment);
        var created = await CreateClientAsync(wacht, ClientAuthMethods.ClientSecretJwt);

        Assert.Equal(SecretCheck.Accepted, await wacht.CheckClientSecretAsync(
            World.AppFqdn(World.BackendDeployment), created.ClientId, created.ClientAuthMethod, created.ClientSecret!));
    }

    [Fact]
    public async Task Secret_checks_never_log_or_throw_a_secret()
    {
        await using var world = await World.StartAsync();
        var wacht = world.Client(World.BackendDeployment);
        var fqdn = World.AppFqdn(World.BackendDeployment);
        var secrets = new List<string>();
        var exceptions = new List<string>();
        foreach (var method in new[] { ClientAuthMethods.ClientSecretBasic, ClientAuthMethods.ClientSecretPost, ClientAuthMethods.ClientSecretJwt })
        {
            var created = await CreateClientAsync(wacht, method);
            secrets.Add(created.ClientSecret!.Reveal());
            await wacht.CheckClientSecretAsync(fqdn, created.ClientId, method, created.ClientSecret);
            await wacht.CheckClientSecretAsync(fqdn, created.ClientId, method, new ClientSecret(created.ClientSecret.Reveal() + "x"));
            world.Emulator.Faults.Add(new FaultRule { Operation = OAuthOperations.OAuthIntrospect, ErrorStatus = 503 });
            exceptions.Add((await Assert.ThrowsAsync<WachtServerException>(() => wacht.CheckClientSecretAsync(fqdn, created.ClientId, method, created.ClientSecret))).ToString());
            world.Emulator.Faults.Clear();
            exceptions.Add((await Assert.ThrowsAsync<WachtAppHostNotFoundException>(() => wacht.CheckClientSecretAsync("no-app.example.com", created.ClientId, method, created.ClientSecret))).ToString());
        }

        var logText = world.Logs.AllText;
        Assert.Contains("secret check", logText, StringComparison.Ordinal);
        foreach (var text in new[] { logText, string.Join('\n', exceptions) })
        {
            Assert.DoesNotMatch("oc_secret_[A-Za-z0-9_-]{20,}", text);
            Assert.DoesNotContain("client_assertion", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Basic ", text, StringComparison.Ordinal);
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret["oc_secret_".Length..], text, StringComparison.Ordinal);
            }
        }
    }

    private static Task<CreatedOAuthClient> CreateClientAsync(IWachtClient wacht, string method) =>
        wacht.CreateOAuthClientAsync(World.AppSlug, new CreateOAuthClientRequest
        {
            ClientAuthMethod = method,
            GrantTypes = ["client_credentials"],
            ClientName = "secret-check-" + method,
        });

    /// <summary>The system clock moved by a fixed offset (the emulator's clock when Wacht's and the worker's disagree).</summary>
    private sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
