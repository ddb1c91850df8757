namespace Wacht.Emulator.Tests;

/// <summary>
/// <see cref="TestWorld"/> plus clients for the runtime endpoints: client_secret_jwt clients (HS256 by default and
/// HS384), a basic client whose client_id and secret need form-urlencoding, and an inactive app.
/// </summary>
internal static class RuntimeWorld
{
    public const string CrmHost = "auth.crm.example.com";
    public const string BillingHost = "auth.billing.example.com";
    public const string InactiveAppHost = "auth.retired.example.com";

    public const string JwtPublicId = "oc_test_jwt_client_public_id_00004";
    public const string Jwt384PublicId = "oc_test_jwt384_client_public_id_05";
    public const string OddPublicId = "oc_test:odd id+client";
    public const string NoneClientRecordId = "7283910238475000016";
    public const string NonePublicId = "oc_test_none_client_public_id_0006";
    public const string PrivateKeyJwtPublicId = "oc_test_pkjwt_client_public_id_007";
    public const string RetiredAppClientPublicId = "oc_test_retired_app_client_id_0008";

    public static readonly string JwtSecret = TestWorld.MakeSecret(4);
    public static readonly string Jwt384Secret = TestWorld.MakeSecret(5);

    /// <summary>Characters that Basic needs form-urlencoded (RFC 6749 2.3.1): ':' ' ' '+' '%'.</summary>
    public const string OddSecret = "odd:secret with+plus%25";

    public static Task<WachtEmulator> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var seed = TestWorld.Seed();
        var crm = seed.Deployments[0].Apps[0];
        crm.Clients.Add(new SeedClient { ClientId = JwtPublicId, ClientAuthMethod = "client_secret_jwt", GrantTypes = ["client_credentials"], ClientSecret = JwtSecret });
        crm.Clients.Add(new SeedClient
        {
            ClientId = Jwt384PublicId,
            ClientAuthMethod = "client_secret_jwt",
            GrantTypes = ["client_credentials"],
            ClientSecret = Jwt384Secret,
            TokenEndpointAuthSigningAlg = "HS384",
        });
        crm.Clients.Add(new SeedClient { ClientId = OddPublicId, ClientAuthMethod = "client_secret_basic", GrantTypes = ["client_credentials"], ClientSecret = OddSecret });
        crm.Clients.Add(new SeedClient { Id = NoneClientRecordId, ClientId = NonePublicId, ClientAuthMethod = "none", RedirectUris = ["https://crm.example.com/spa"] });
        crm.Clients.Add(new SeedClient
        {
            ClientId = PrivateKeyJwtPublicId,
            ClientAuthMethod = "private_key_jwt",
            GrantTypes = ["client_credentials"],
            JwksUri = "https://crm.example.com/jwks.json",
        });
        seed.Deployments[1].Apps.Add(new SeedApp
        {
            Slug = "retired",
            Name = "Retired",
            Fqdn = InactiveAppHost,
            IsActive = false,
            Clients = [new SeedClient { ClientId = RetiredAppClientPublicId, ClientAuthMethod = "client_secret_basic", GrantTypes = ["client_credentials"], ClientSecret = TestWorld.MakeSecret(8) }],
        });

        var options = new EmulatorOptions { Seed = seed, FaultRandomSeed = 7 };
        configure?.Invoke(options);
        return WachtEmulator.StartAsync(options);
    }
}
