namespace Wacht.Client.Tests.Support;

/// <summary>Hand-written bodies shaped exactly as the contract shows them.</summary>
public static class Fixtures
{
    public const string Secret = "oc_secret_q8Zr3kVw1xY2bA9cD0eF4gH5iJ6kL7mN8oP9qR0sT1u";

    public const string App = """
        {
          "id": "9223372036854775807",
          "slug": "reports",
          "name": "Reports",
          "description": "Reporting API",
          "logo_url": "https://cdn.example.com/logo.png",
          "fqdn": "auth.example.com",
          "supported_scopes": ["read:reports", "write:reports"],
          "scope_definitions": [
            {
              "scope": "read:reports",
              "display_name": "Read reports",
              "description": "Allows read:reports access",
              "archived": false,
              "category": "organization",
              "organization_permission": "reports.read"
            },
            {
              "scope": "write:reports",
              "display_name": "write:reports",
              "description": "Allows write:reports access",
              "archived": true,
              "category": ""
            }
          ],
          "allow_dynamic_client_registration": true,
          "is_active": true,
          "created_at": "2026-11-26T10:15:30.123456Z",
          "updated_at": "2026-11-27T08:00:00Z"
        }
        """;

    /// <summary>An app whose optional fields are omitted.</summary>
    public const string MinimalApp = """
        {"id":"7283910238471","slug":"min","name":"Min","fqdn":"min.example.com","supported_scopes":[],"scope_definitions":[],
         "allow_dynamic_client_registration":false,"is_active":true,"created_at":"2026-11-26T10:15:30Z","updated_at":"2026-11-26T10:15:30Z"}
        """;

    public const string Client = """
        {
          "id": "9223372036854775806",
          "oauth_app_id": "9223372036854775807",
          "client_id": "oc_client_5f2b8e",
          "client_auth_method": "client_secret_basic",
          "grant_types": ["authorization_code", "refresh_token"],
          "redirect_uris": ["https://app.example.com/callback"],
          "client_name": "Dashboard",
          "client_uri": "https://app.example.com",
          "logo_uri": null,
          "tos_uri": null,
          "policy_uri": null,
          "contacts": ["ops@example.com"],
          "software_id": null,
          "software_version": null,
          "token_endpoint_auth_signing_alg": null,
          "jwks_uri": null,
          "jwks": {"keys":[{"kty":"RSA","kid":"k1","n":"abc","e":"AQAB"}]},
          "public_key_pem": null,
          "is_active": true,
          "post_logout_redirect_uris": ["https://app.example.com/bye"],
          "id_token_signing_alg": "RS256",
          "access_token_format": "jwt",
          "access_token_ttl_seconds": 3600,
          "skip_consent": false,
          "created_at": "2026-11-26T10:15:30.123456Z",
          "updated_at": "2026-11-26T10:15:30.123456Z"
        }
        """;

    /// <summary>A client whose optional fields and lists are omitted entirely.</summary>
    public const string ClientWithOmittedOptionals = """
        {"id":"7283910238472","oauth_app_id":"7283910238471","client_id":"oc_client_min","client_auth_method":"none",
         "grant_types":["authorization_code"],"redirect_uris":["https://m.example.com/cb"],"is_active":false,
         "id_token_signing_alg":"RS256","access_token_format":"opaque","access_token_ttl_seconds":60,"skip_consent":true,
         "created_at":"2026-11-26T10:15:30Z","updated_at":"2026-11-26T10:15:30Z"}
        """;

    public static readonly string CreatedClient = Client.TrimEnd().TrimEnd('}') + $",\n  \"client_secret\": \"{Secret}\"\n}}";

    public const string GrantFull = """
        {
          "id": "9007199254740993",
          "api_auth_app_slug": "reports",
          "oauth_client_id": "9223372036854775806",
          "resource": "https://api.example.com",
          "scopes": ["read:reports"],
          "status": "revoked",
          "granted_at": "2026-11-20T09:00:00Z",
          "expires_at": "2026-12-20T09:00:00Z",
          "revoked_at": "2026-11-26T10:15:30.5Z",
          "granted_by_user_id": "9223372036854775805",
          "created_at": "2026-11-20T09:00:00Z",
          "updated_at": "2026-11-26T10:15:30.5Z"
        }
        """;

    public const string GrantMinimal = """
        {"id":"7283910238473","api_auth_app_slug":"reports","oauth_client_id":"7283910238472","resource":"https://api.example.com",
         "scopes":["read:reports"],"status":"active","granted_at":"2026-11-20T09:00:00Z",
         "created_at":"2026-11-20T09:00:00Z","updated_at":"2026-11-20T09:00:00Z"}
        """;

    public const string SigningKeys = """
        {"keys":[
          {"kid":"key-2026-11","algorithm":"RS256","status":"active","public_key_pem":"-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n"},
          {"kid":"key-2026-10","algorithm":"RS256","status":"retired","public_key_pem":"-----BEGIN PUBLIC KEY-----\nMIIA\n-----END PUBLIC KEY-----\n"}
        ]}
        """;

    public const string RotatedSigningKey = """
        {"new":{"kid":"key-2026-12","algorithm":"RS256","status":"active","public_key_pem":"-----BEGIN PUBLIC KEY-----\nMIIC\n-----END PUBLIC KEY-----\n"}}
        """;

    public const string DomainVerification = """{"domain":"auth.example.com","cname_target":"cname.wacht.dev","verified":true}""";

    public static readonly string RotatedSecret = $$"""{"client_secret":"{{Secret}}"}""";

    public static string Apps(params string[] apps) => $$"""{"apps":[{{string.Join(",", apps)}}]}""";

    public static string Clients(params string[] clients) => $$"""{"clients":[{{string.Join(",", clients)}}]}""";

    public static string Grants(params string[] grants) => $$"""{"grants":[{{string.Join(",", grants)}}]}""";
}
