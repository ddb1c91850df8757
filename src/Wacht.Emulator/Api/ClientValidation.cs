using System.Text.Json;

namespace Wacht.Emulator;

/// <summary>The platform's client validation (messages as the platform words them).</summary>
internal static class ClientValidation
{
    public static void ValidateGrantTypes(IReadOnlyCollection<string> grantTypes)
    {
        if (grantTypes.Count == 0)
        {
            throw EmulatorApiException.BadRequest("grant_types must include at least one grant");
        }
    }

    public static void ValidateAuthMethod(string method)
    {
        if (!ClientSecrets.AuthMethods.Contains(method))
        {
            throw EmulatorApiException.BadRequest($"unsupported client_auth_method: {method}");
        }
    }

    public static void ValidateOptionalUrl(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri))
        {
            throw EmulatorApiException.BadRequest($"{field} must be a valid URL");
        }

        if (uri.Scheme is not ("http" or "https"))
        {
            throw EmulatorApiException.BadRequest($"{field} must use http or https");
        }
    }

    public static void ValidateRedirectUris(IReadOnlyCollection<string> redirectUris, IReadOnlyCollection<string> grantTypes)
    {
        if (grantTypes.Contains("authorization_code") && redirectUris.Count == 0)
        {
            throw EmulatorApiException.BadRequest("redirect_uris must include at least one URI for authorization_code");
        }

        foreach (var raw in redirectUris)
        {
            var trimmed = raw?.Trim() ?? "";
            if (trimmed.Length == 0)
            {
                throw EmulatorApiException.BadRequest("redirect_uris must not contain empty values");
            }

            if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri))
            {
                throw EmulatorApiException.BadRequest("redirect_uris must contain valid URLs");
            }

            if (uri.Scheme is not ("http" or "https"))
            {
                throw EmulatorApiException.BadRequest("redirect_uris must use http or https");
            }

            if (trimmed.Contains('#', StringComparison.Ordinal))
            {
                throw EmulatorApiException.BadRequest("redirect_uris must not include fragments");
            }
        }
    }

    /// <summary>
    /// Trims and validates the key material a create or update sent (<paramref name="count"/> = how many kinds were
    /// sent); material is refused unless the auth method is private_key_jwt. How many kinds are required differs
    /// between create and update, so the callers check <paramref name="count"/>.
    /// </summary>
    public static (string? JwksUri, JsonElement? Jwks, string? PublicKeyPem) ReadKeyMaterial(
        string method, string? jwksUriText, JsonElement? jwksElement, string? publicKeyPemText, out int count)
    {
        var jwksUri = ScopeRules.TrimToNull(jwksUriText);
        var publicKeyPem = ScopeRules.TrimToNull(publicKeyPemText);
        var jwks = jwksElement is { ValueKind: not JsonValueKind.Null } j ? j.Clone() : (JsonElement?)null;
        count = (jwksUri is null ? 0 : 1) + (jwks is null ? 0 : 1) + (publicKeyPem is null ? 0 : 1);
        if (method != "private_key_jwt")
        {
            return count == 0
                ? (null, null, null)
                : throw EmulatorApiException.BadRequest("jwks_uri/jwks/public_key_pem are only allowed when client_auth_method is private_key_jwt");
        }

        if (jwksUri is not null)
        {
            ValidateJwksUri(jwksUri);
        }

        if (jwks is { } document)
        {
            ValidateJwks(document);
        }

        return (jwksUri, jwks, publicKeyPem);
    }

    public static void ValidateJwksUri(string jwksUri)
    {
        if (!Uri.TryCreate(jwksUri.Trim(), UriKind.Absolute, out var uri))
        {
            throw EmulatorApiException.BadRequest("jwks_uri must be a valid URL");
        }

        if (uri.Scheme != "https")
        {
            throw EmulatorApiException.BadRequest("jwks_uri must use https");
        }
    }

    public static void ValidateJwks(JsonElement jwks)
    {
        if (jwks.ValueKind != JsonValueKind.Object
            || !jwks.TryGetProperty("keys", out var keys)
            || keys.ValueKind != JsonValueKind.Array)
        {
            throw EmulatorApiException.BadRequest("jwks must be a JWKS document with a keys array");
        }

        if (keys.GetArrayLength() == 0)
        {
            throw EmulatorApiException.BadRequest("jwks.keys must include at least one key");
        }

        foreach (var key in keys.EnumerateArray())
        {
            if (key.ValueKind != JsonValueKind.Object || !key.TryGetProperty("kty", out _))
            {
                throw EmulatorApiException.BadRequest("jwks.keys entries must be JWK objects with kty");
            }

            if (key.TryGetProperty("k", out _))
            {
                throw EmulatorApiException.BadRequest("jwks for private_key_jwt must contain public keys, not symmetric secrets");
            }
        }
    }

    public static void ValidateTokenSettings(string? accessTokenFormat, int? accessTokenTtlSeconds)
    {
        if (accessTokenFormat is not null && accessTokenFormat is not ("opaque" or "jwt"))
        {
            throw EmulatorApiException.BadRequest("access_token_format must be one of: opaque, jwt");
        }

        if (accessTokenTtlSeconds is { } ttl
            && (ttl < ClientDefaults.MinAccessTokenTtlSeconds || ttl > ClientDefaults.MaxAccessTokenTtlSeconds))
        {
            throw EmulatorApiException.BadRequest("access_token_ttl_seconds must be between 60 and 86400");
        }
    }

    /// <summary>The platform stores a PEM as a one-key JWKS document of kty "PEM".</summary>
    public static JsonElement PemAsJwks(string pem)
    {
        var json = JsonSerializer.Serialize(pem, ApiJsonContext.Default.String);
        using var document = JsonDocument.Parse($$"""{"keys":[{"kty":"PEM","public_key_pem":{{json}}}]}""");
        return document.RootElement.Clone();
    }
}
