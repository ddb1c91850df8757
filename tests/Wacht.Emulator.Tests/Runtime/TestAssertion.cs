using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Wacht.Emulator.Tests;

/// <summary>Builds client_secret_jwt assertions independently of the emulator's code (the tests' own JWT writer).</summary>
internal static class TestAssertion
{
    public const string Type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    public static string Create(
        string secret,
        string clientId,
        string audience,
        string? jti = null,
        long? exp = 0,
        long? iat = 0,
        string alg = "HS256",
        string? iss = null,
        string? sub = null,
        Dictionary<string, object?>? extra = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = iss ?? clientId,
            ["sub"] = sub ?? clientId,
            ["aud"] = audience,
            ["jti"] = jti ?? Guid.NewGuid().ToString("N"),
        };
        if (exp is { } e)
        {
            claims["exp"] = e == 0 ? now + 60 : e;
        }

        if (iat is { } i)
        {
            claims["iat"] = i == 0 ? now : i;
        }

        foreach (var (name, value) in extra ?? [])
        {
            claims[name] = value;
        }

        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = alg, ["typ"] = "JWT" }));
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var key = Encoding.UTF8.GetBytes(secret);
        var data = Encoding.ASCII.GetBytes(header + "." + payload);
        var signature = alg switch
        {
            "HS384" => HMACSHA384.HashData(key, data),
            "HS512" => HMACSHA512.HashData(key, data),
            _ => HMACSHA256.HashData(key, data),
        };
        return header + "." + payload + "." + Encode(signature);
    }

    public static KeyValuePair<string, string>[] Form(string clientId, string assertion, string token = "unknown-token") =>
        RuntimeApi.Form(("token", token), ("client_id", clientId), ("client_assertion_type", Type), ("client_assertion", assertion));

    private static string Encode(byte[] bytes) => Base64Url.EncodeToString(bytes);
}
