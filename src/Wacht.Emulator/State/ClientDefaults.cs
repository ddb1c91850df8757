namespace Wacht.Emulator;

/// <summary>
/// Defaults of a new client where the request does not say (the contract is silent; these are the
/// platform's column defaults as far as can be told): grant_types authorization_code + refresh_token,
/// client_auth_method client_secret_basic (RFC 7591's default), id_token_signing_alg RS256,
/// access_token_format opaque, access_token_ttl_seconds 3600, skip_consent false, is_active true.
/// </summary>
internal static class ClientDefaults
{
    public const string AuthMethod = "client_secret_basic";
    public const string IdTokenSigningAlg = "RS256";
    public const string AccessTokenFormat = "opaque";
    public const int AccessTokenTtlSeconds = 3600;
    public const int MinAccessTokenTtlSeconds = 60;
    public const int MaxAccessTokenTtlSeconds = 86400;

    public static IReadOnlyList<string> GrantTypes { get; } = ["authorization_code", "refresh_token"];
}
