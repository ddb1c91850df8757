namespace Wacht.Client;

/// <summary>Common OAuth grant type names for <see cref="OAuthClient.GrantTypes"/>.</summary>
public static class GrantTypes
{
    public const string AuthorizationCode = "authorization_code";
    public const string RefreshToken = "refresh_token";
    public const string ClientCredentials = "client_credentials";
}
