using System.Buffers.Text;

namespace Wacht.Emulator.Tests;

/// <summary>A small, fully known seed: two deployments, known keys, ids and secrets.</summary>
internal static class TestWorld
{
    public const string DeploymentA = "7283910238470000101";
    public const string DeploymentB = "7283910238470000202";
    public const string KeyA = "wk_test_deployment_a";
    public const string KeyB = "wk_test_deployment_b";

    public const string CrmAppId = "7283910238475000001";
    public const string BasicClientId = "7283910238475000011";
    public const string PostClientId = "7283910238475000012";
    public const string NoneClientId = "7283910238475000013";
    public const string PrivateKeyJwtClientId = "7283910238475000014";
    public const string InactiveClientId = "7283910238475000015";

    public const string BasicPublicId = "oc_test_basic_client_public_id_0001";
    public const string PostPublicId = "oc_test_post_client_public_id_00002";
    public const string InactivePublicId = "oc_test_inactive_client_public_id_3";

    public const string GrantNewest = "7283910238475000101";
    public const string GrantRevoked = "7283910238475000102";
    public const string GrantExpired = "7283910238475000103";
    public const string GrantOldest = "7283910238475000104";

    /// <summary>Built at run time (no literal secrets in files).</summary>
    public static readonly string BasicSecret = MakeSecret(1);
    public static readonly string PostSecret = MakeSecret(2);
    public static readonly string InactiveSecret = MakeSecret(3);

    public static string MakeSecret(byte fill) => "oc_secret_" + Base64Url.EncodeToString(Enumerable.Repeat(fill, 32).ToArray());

    public static Task<WachtEmulator> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { Seed = Seed(), FaultRandomSeed = 7 };
        configure?.Invoke(options);
        return WachtEmulator.StartAsync(options);
    }

    public static EmulatorSeed Seed() => new()
    {
        Deployments =
        [
            new SeedDeployment
            {
                Id = DeploymentA,
                Name = "test-a",
                ApiKey = KeyA,
                OrganizationPermissions = ["org:read", "org:admin"],
                WorkspacePermissions = ["ws:read", "ws:write"],
                Apps =
                [
                    new SeedApp
                    {
                        Id = CrmAppId,
                        Slug = "crm",
                        Name = "CRM",
                        Fqdn = "auth.crm.example.com",
                        SupportedScopes = ["read", "write", "crm:read", "crm:write", "crm:admin"],
                        ScopeDefinitions =
                        [
                            new SeedScopeDefinition { Scope = "crm:read", DisplayName = "Read CRM", Category = "organization", OrganizationPermission = "org:read" },
                            new SeedScopeDefinition { Scope = "crm:admin", Archived = true },
                        ],
                        DomainVerification = new SeedDomainVerification { CnameTarget = "oauth.wacht.services", Verified = true },
                        CreatedAt = DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
                        Clients =
                        [
                            new SeedClient
                            {
                                Id = BasicClientId,
                                ClientId = BasicPublicId,
                                ClientAuthMethod = "client_secret_basic",
                                RedirectUris = ["https://crm.example.com/callback"],
                                ClientSecret = BasicSecret,
                                Grants =
                                [
                                    new SeedGrant { Id = GrantOldest, Resource = "urn:wacht:user:1", Scopes = ["read"], GrantedAt = At("2025-02-01T00:00:00Z") },
                                    new SeedGrant
                                    {
                                        Id = GrantNewest, Resource = "urn:wacht:organization:42", Scopes = ["crm:read", "read"],
                                        GrantedAt = At("2026-11-20T10:15:30.123456Z"), ExpiresAt = At("2099-01-01T00:00:00Z"), GrantedByUserId = "7283910000000012345",
                                    },
                                    new SeedGrant
                                    {
                                        Id = GrantRevoked, Resource = "urn:wacht:workspace:7", Scopes = ["crm:write"], Status = "revoked",
                                        GrantedAt = At("2026-05-01T00:00:00Z"), RevokedAt = At("2026-06-01T00:00:00Z"), GrantedByUserId = "7283910000000012345",
                                    },
                                    new SeedGrant
                                    {
                                        Id = GrantExpired, Resource = "urn:wacht:organization:42", Scopes = ["crm:admin"],
                                        GrantedAt = At("2026-01-01T00:00:00Z"), ExpiresAt = At("2026-02-01T00:00:00Z"), GrantedByUserId = "7283910000000012345",
                                    },
                                ],
                            },
                            new SeedClient
                            {
                                Id = PostClientId, ClientId = PostPublicId, ClientAuthMethod = "client_secret_post",
                                RedirectUris = ["https://crm.example.com/callback"], ClientSecret = PostSecret,
                            },
                            new SeedClient { Id = NoneClientId, ClientAuthMethod = "none", RedirectUris = ["https://crm.example.com/spa"] },
                            new SeedClient
                            {
                                Id = PrivateKeyJwtClientId, ClientAuthMethod = "private_key_jwt",
                                RedirectUris = ["https://crm.example.com/callback"], JwksUri = "https://crm.example.com/jwks.json",
                            },
                            new SeedClient
                            {
                                Id = InactiveClientId, ClientId = InactivePublicId, ClientAuthMethod = "client_secret_post", IsActive = false,
                                RedirectUris = ["https://crm.example.com/callback"], ClientSecret = InactiveSecret,
                                Grants = [new SeedGrant { Resource = "urn:wacht:user:9", Scopes = ["read"], GrantedAt = At("2026-03-03T00:00:00Z") }],
                            },
                        ],
                    },
                ],
            },
            new SeedDeployment
            {
                Id = DeploymentB,
                Name = "test-b",
                ApiKey = KeyB,
                Apps = [new SeedApp { Slug = "billing", Name = "Billing", Fqdn = "auth.billing.example.com", SupportedScopes = ["read"] }],
            },
        ],
    };

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
