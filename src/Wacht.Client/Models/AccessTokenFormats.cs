namespace Wacht.Client;

/// <summary>Known values of <see cref="OAuthClient.AccessTokenFormat"/>.</summary>
public static class AccessTokenFormats
{
    public const string Opaque = "opaque";
    public const string Jwt = "jwt";
}
