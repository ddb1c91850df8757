using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Wacht.Emulator;

/// <summary>Client secrets and public client ids in the platform's formats.</summary>
internal static class ClientSecrets
{
    /// <summary>Prefix of every client secret (the rest is base64url of 32 random bytes, 43 chars).</summary>
    public const string SecretPrefix = "oc_secret_";

    /// <summary>Prefix of public client ids.</summary>
    public const string ClientIdPrefix = "oc_";

    /// <summary>Auth methods the platform accepts.</summary>
    public static readonly IReadOnlyList<string> AuthMethods =
        ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"];

    /// <summary><c>none</c> and <c>private_key_jwt</c> have no client secret.</summary>
    public static bool UsesSecret(string authMethod) =>
        authMethod is not ("none" or "private_key_jwt");

    public static string NewSecret() => SecretPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// A public client id: the platform uses <c>oc_</c> + base64url (no padding) of 24 random bytes
    /// (32 characters of <c>[A-Za-z0-9_-]</c>).
    /// </summary>
    public static string NewClientId(Random? random = null)
    {
        var bytes = new byte[24];
        if (random is null)
        {
            RandomNumberGenerator.Fill(bytes);
        }
        else
        {
            random.NextBytes(bytes);
        }

        return ClientIdPrefix + Base64Url.EncodeToString(bytes);
    }

    /// <summary>The platform stores only a SHA-256 hash of the secret.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(byte[]? hash, string secret) =>
        hash is not null && CryptographicOperations.FixedTimeEquals(hash, Hash(secret));
}
