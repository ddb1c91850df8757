using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Wacht.Client;

/// <summary>
/// The <c>client_secret_jwt</c> assertion (RFC 7523) of one check attempt: HMAC-signed with the secret,
/// <c>iss</c> = <c>sub</c> = client_id, <c>aud</c> = the endpoint URL on the app's issuer, a fresh random <c>jti</c>,
/// <c>iat</c> = now - 60 s and <c>exp</c> = now + 120 s. The platform requires iat, refuses lifetimes over 300 s and
/// allows 60 s of skew on iat; with these values a worker clock up to 2 minutes ahead of or behind Wacht's still
/// passes, so clock skew does not turn an accepted secret into a "rejected" one.
/// Written by hand: a JWT library would add a large dependency to this client for one fixed-shape HMAC token.
/// </summary>
internal static class ClientAssertion
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    public const string DefaultAlgorithm = "HS256";
    private static readonly TimeSpan IssuedBefore = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExpiresAfter = TimeSpan.FromSeconds(120);

    public static bool IsSupported(string algorithm) => algorithm is "HS256" or "HS384" or "HS512";

    public static string Create(string clientId, string audience, ClientSecret secret, string algorithm, DateTimeOffset now, string jti)
    {
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"{{algorithm}}","typ":"JWT"}"""));
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", clientId);
            writer.WriteString("sub", clientId);
            writer.WriteString("aud", audience);
            writer.WriteString("jti", jti);
            writer.WriteNumber("iat", (now - IssuedBefore).ToUnixTimeSeconds());
            writer.WriteNumber("exp", (now + ExpiresAfter).ToUnixTimeSeconds());
            writer.WriteEndObject();
        }

        var signingInput = header + "." + Base64Url.EncodeToString(buffer.ToArray());
        var key = Encoding.UTF8.GetBytes(secret.Reveal());
        var data = Encoding.ASCII.GetBytes(signingInput);
        var signature = algorithm switch
        {
            "HS384" => HMACSHA384.HashData(key, data),
            "HS512" => HMACSHA512.HashData(key, data),
            _ => HMACSHA256.HashData(key, data),
        };
        CryptographicOperations.ZeroMemory(key);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>128 random bits: unique per attempt, so a retry is never refused as a replay.</summary>
    public static string NewJti() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
