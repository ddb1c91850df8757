namespace Wacht.Client;

/// <summary>Known values of <see cref="OAuthClient.ClientAuthMethod"/>.</summary>
public static class ClientAuthMethods
{
    public const string ClientSecretBasic = "client_secret_basic";
    public const string ClientSecretPost = "client_secret_post";
    public const string ClientSecretJwt = "client_secret_jwt";
    public const string PrivateKeyJwt = "private_key_jwt";
    public const string None = "none";

    /// <summary>
    /// True for the methods that authenticate with a client secret, i.e. the ones whose secret can be rotated
    /// (the server refuses rotation for <c>none</c> and <c>private_key_jwt</c>). Unknown values answer false.
    /// </summary>
    public static bool UsesSecret(string? method) =>
        method is ClientSecretBasic or ClientSecretPost or ClientSecretJwt;
}
