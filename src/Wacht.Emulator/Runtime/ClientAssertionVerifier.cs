using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Wacht.Emulator;

/// <summary>
/// Verifies a <c>client_secret_jwt</c> client assertion the way the platform does: first the JWT library step
/// (algorithm, HMAC signature, <c>exp</c> present and not older than 60 s of leeway, claim types), then the platform's
/// own claim rules (<c>iss</c> = <c>sub</c> = client_id, <c>aud</c> = the endpoint URL, <c>exp</c>, <c>iat</c> and
/// <c>jti</c> present, lifetime at most 300 s, clock skew at most 60 s), then replay protection by <c>jti</c>.
/// Written by hand: a JWT library would bring in a large dependency for one HMAC comparison and a few claim checks.
/// </summary>
internal static class ClientAssertionVerifier
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private const long MaxLifetimeSeconds = 300;
    private const long ClockSkewSeconds = 60;
    private const long ExpLeewaySeconds = 60;

    /// <summary>The HMAC algorithms a client_secret_jwt client may use (its token_endpoint_auth_signing_alg; default HS256).</summary>
    public static bool IsSupported(string algorithm) => algorithm is "HS256" or "HS384" or "HS512";

    public static AssertionVerdict Verify(
        string assertion,
        string algorithm,
        string secret,
        string clientId,
        string expectedAudience,
        long now,
        AssertionReplayCache replay)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return AssertionVerdict.InvalidToken("InvalidToken");
        }

        if (ReadObject(parts[0]) is not { } header)
        {
            return AssertionVerdict.InvalidToken("InvalidToken");
        }

        using (header)
        {
            if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != algorithm)
            {
                return AssertionVerdict.InvalidToken("InvalidAlgorithm");
            }
        }

        if (!Base64Url.IsValid(parts[2]) || !SignatureMatches(parts[0] + "." + parts[1], Base64Url.DecodeFromChars(parts[2]), algorithm, secret))
        {
            return AssertionVerdict.InvalidToken("InvalidSignature");
        }

        using var payload = ReadObject(parts[1]);
        if (payload is null)
        {
            return AssertionVerdict.InvalidToken("InvalidToken");
        }

        var claims = payload.RootElement;
        if (!TryString(claims, "iss", out var iss) || !TryString(claims, "sub", out var sub) || !TryString(claims, "jti", out var jti)
            || !TryInteger(claims, "exp", out var exp) || !TryInteger(claims, "iat", out var iat) || !TryInteger(claims, "nbf", out var nbf))
        {
            return AssertionVerdict.InvalidToken("Json(invalid type)");
        }

        // The JWT library's own checks: exp is required and may be up to 60 s in the past.
        if (exp is null)
        {
            return AssertionVerdict.InvalidToken("MissingRequiredClaim(\"exp\")");
        }

        if (exp < now - ExpLeewaySeconds)
        {
            return AssertionVerdict.InvalidToken("ExpiredSignature");
        }

        // The platform's claim rules: 401 invalid_client.
        var audienceOk = claims.TryGetProperty("aud", out var aud) && AudienceMatches(aud, expectedAudience);
        if (sub != clientId || iss != clientId || !audienceOk || iat is null || string.IsNullOrWhiteSpace(jti))
        {
            return AssertionVerdict.Unauthorized;
        }

        if (exp <= now || exp > now + MaxLifetimeSeconds
            || iat > now + ClockSkewSeconds || iat < now - MaxLifetimeSeconds
            || exp - iat > MaxLifetimeSeconds
            || nbf > now + ClockSkewSeconds)
        {
            return AssertionVerdict.Unauthorized;
        }

        return replay.TryUse(clientId, jti.Trim(), exp.Value) ? AssertionVerdict.Valid : AssertionVerdict.Unauthorized;
    }

    private static bool SignatureMatches(string signingInput, byte[] signature, string algorithm, string secret)
    {
        var key = Encoding.UTF8.GetBytes(secret);
        var data = Encoding.ASCII.GetBytes(signingInput);
        var expected = algorithm switch
        {
            "HS384" => HMACSHA384.HashData(key, data),
            "HS512" => HMACSHA512.HashData(key, data),
            _ => HMACSHA256.HashData(key, data),
        };
        return CryptographicOperations.FixedTimeEquals(expected, signature);
    }

    private static JsonDocument? ReadObject(string part)
    {
        if (!Base64Url.IsValid(part))
        {
            return null;
        }

        try
        {
            var document = JsonDocument.Parse(Base64Url.DecodeFromChars(part));
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>False when the claim has the wrong type; an absent or null claim is a null value.</summary>
    private static bool TryString(JsonElement claims, string name, out string? value)
    {
        value = null;
        if (!claims.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        value = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        return element.ValueKind == JsonValueKind.String;
    }

    /// <summary>False when the claim is not a 64-bit integer; an absent or null claim is a null value.</summary>
    private static bool TryInteger(JsonElement claims, string name, out long? value)
    {
        value = null;
        if (!claims.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var number))
        {
            value = number;
            return true;
        }

        return false;
    }

    private static bool AudienceMatches(JsonElement aud, string expected) => aud.ValueKind switch
    {
        JsonValueKind.String => aud.GetString() == expected,
        JsonValueKind.Array => aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == expected),
        _ => false,
    };
}

/// <summary>
/// The outcome of an assertion check: valid; refused by the platform's claim rules or replay protection (401); or
/// refused by the JWT library step (the platform answers those with 400 <c>Invalid token: ...</c>).
/// </summary>
internal readonly record struct AssertionVerdict(bool IsValid, string? InvalidTokenKind)
{
    public static AssertionVerdict Valid => new(true, null);

    public static AssertionVerdict Unauthorized => new(false, null);

    public static AssertionVerdict InvalidToken(string kind) => new(false, kind);
}
