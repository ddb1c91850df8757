
namespace Wacht.Emulator;

/// <summary>Client operations: list, create, update, deactivate, rotate secret.</summary>
internal static class ClientHandlers
{
    private const string NotFoundOrInactive = "OAuth client not found or inactive";

    /// <summary>All clients of the app in creation order, deactivated ones included (is_active=false).</summary>
    public static ApiResult List(ApiRequest r)
    {
        WireClientList result;
        lock (r.Deployment.Gate)
        {
            var app = r.Deployment.RequireApp(r.Slug);
            result = new WireClientList([.. app.Clients.Select(c => WireMapper.ToWire(c))]);
        }

        return ApiResult.Json(result, ApiJsonContext.Default.WireClientList);
    }

    /// <summary>
    /// createOAuthClient. Defaults where the body is silent are in <see cref="ClientDefaults"/>. The
    /// answer carries <c>client_secret</c> only for secret-using auth methods.
    /// </summary>
    public static ApiResult Create(ApiRequest r)
    {
        var request = r.ReadJson(ApiJsonContext.Default.WireClientRequest);
        var now = r.Now;
        WireClient result;
        lock (r.Deployment.Gate)
        {
            var app = r.Deployment.RequireApp(r.Slug);

            var method = request.ClientAuthMethod?.Trim() ?? ClientDefaults.AuthMethod;
            var grantTypes = request.GrantTypes ?? [.. ClientDefaults.GrantTypes];
            var redirectUris = request.RedirectUris ?? [];
            ClientValidation.ValidateGrantTypes(grantTypes);
            ClientValidation.ValidateAuthMethod(method);

            var (jwksUri, jwks, publicKeyPem) = ClientValidation.ReadKeyMaterial(method, request.JwksUri, request.Jwks, request.PublicKeyPem, out var material);
            if (method == "private_key_jwt" && material != 1)
            {
                throw EmulatorApiException.BadRequest("private_key_jwt requires exactly one of jwks_uri, jwks, or public_key_pem");
            }

            ValidateUrls(request);
            ClientValidation.ValidateRedirectUris(redirectUris, grantTypes);
            ClientValidation.ValidateTokenSettings(request.AccessTokenFormat, request.AccessTokenTtlSeconds);

            var secret = ClientSecrets.UsesSecret(method) ? ClientSecrets.NewSecret() : null;

            var clientId = ClientSecrets.NewClientId();
            while (r.Data.ClientsByPublicId.ContainsKey(clientId))
            {
                clientId = ClientSecrets.NewClientId();
            }

            var client = new ClientRecord
            {
                Id = r.Data.Ids.Next(),
                App = app,
                Deployment = r.Deployment,
                ClientId = clientId,
                ClientAuthMethod = method,
                GrantTypes = grantTypes,
                RedirectUris = [.. redirectUris.Select(u => u.Trim())],
                ClientName = ScopeRules.TrimToNull(request.ClientName),
                ClientUri = ScopeRules.TrimToNull(request.ClientUri),
                LogoUri = ScopeRules.TrimToNull(request.LogoUri),
                TosUri = ScopeRules.TrimToNull(request.TosUri),
                PolicyUri = ScopeRules.TrimToNull(request.PolicyUri),
                Contacts = request.Contacts ?? [],
                SoftwareId = ScopeRules.TrimToNull(request.SoftwareId),
                SoftwareVersion = ScopeRules.TrimToNull(request.SoftwareVersion),
                TokenEndpointAuthSigningAlg = ScopeRules.TrimToNull(request.TokenEndpointAuthSigningAlg),
                JwksUri = jwksUri,
                Jwks = publicKeyPem is not null ? ClientValidation.PemAsJwks(publicKeyPem) : jwks,
                PublicKeyPem = publicKeyPem,
                IsActive = true,
                PostLogoutRedirectUris = request.PostLogoutRedirectUris ?? [],
                IdTokenSigningAlg = ScopeRules.TrimToNull(request.IdTokenSigningAlg) ?? ClientDefaults.IdTokenSigningAlg,
                AccessTokenFormat = request.AccessTokenFormat ?? ClientDefaults.AccessTokenFormat,
                AccessTokenTtlSeconds = request.AccessTokenTtlSeconds ?? ClientDefaults.AccessTokenTtlSeconds,
                SkipConsent = request.SkipConsent ?? false,
                CreatedAt = now,
                UpdatedAt = now,
            };
            client.SetSecret(secret);
            r.Data.ClientsByPublicId[clientId] = client;
            app.Clients.Add(client);
            app.ClientsById.Add(client.Id, client);
            result = WireMapper.ToWire(client, secret);
        }

        return ApiResult.Json(result, ApiJsonContext.Default.WireClient);
    }

    /// <summary>
    /// updateOAuthClient: absent/null fields stay unchanged (empty strings too, as on the platform);
    /// unknown or inactive client: 404. Changing the auth method does not mint a secret (rotate does).
    /// </summary>
    public static ApiResult Update(ApiRequest r)
    {
        var clientRecordId = r.RouteId("oauth_client_id");
        var request = r.ReadJson(ApiJsonContext.Default.WireClientRequest);
        var now = r.Now;
        WireClient result;
        lock (r.Deployment.Gate)
        {
            var app = r.Deployment.RequireApp(r.Slug);
            if (!app.ClientsById.TryGetValue(clientRecordId, out var client) || !client.IsActive)
            {
                throw EmulatorApiException.NotFound(NotFoundOrInactive);
            }

            var grantTypes = request.GrantTypes ?? client.GrantTypes;
            if (request.GrantTypes is not null)
            {
                ClientValidation.ValidateGrantTypes(request.GrantTypes);
            }

            var method = request.ClientAuthMethod?.Trim() ?? client.ClientAuthMethod;
            ClientValidation.ValidateAuthMethod(method);
            var redirectUris = request.RedirectUris ?? client.RedirectUris;
            ClientValidation.ValidateRedirectUris(redirectUris, grantTypes);

            var (jwksUri, jwks, publicKeyPem) = ClientValidation.ReadKeyMaterial(method, request.JwksUri, request.Jwks, request.PublicKeyPem, out var material);
            if (method == "private_key_jwt" && material > 1)
            {
                throw EmulatorApiException.BadRequest("private_key_jwt accepts only one of jwks_uri, jwks, or public_key_pem per update");
            }

            if (method == "private_key_jwt" && material == 0 && client.JwksUri is null && client.Jwks is null)
            {
                throw EmulatorApiException.BadRequest("private_key_jwt requires existing or new key material");
            }

            ValidateUrls(request);
            ClientValidation.ValidateTokenSettings(request.AccessTokenFormat, request.AccessTokenTtlSeconds);

            client.ClientAuthMethod = method;
            client.GrantTypes = [.. grantTypes];
            client.RedirectUris = [.. redirectUris.Select(u => u.Trim())];
            client.TokenEndpointAuthSigningAlg = ScopeRules.TrimToNull(request.TokenEndpointAuthSigningAlg) ?? client.TokenEndpointAuthSigningAlg;
            client.JwksUri = jwksUri ?? client.JwksUri;
            if (publicKeyPem is not null)
            {
                client.PublicKeyPem = publicKeyPem;
                client.Jwks = ClientValidation.PemAsJwks(publicKeyPem);
            }
            else if (jwks is not null)
            {
                client.Jwks = jwks;
            }

            client.ClientName = ScopeRules.TrimToNull(request.ClientName) ?? client.ClientName;
            client.ClientUri = ScopeRules.TrimToNull(request.ClientUri) ?? client.ClientUri;
            client.LogoUri = ScopeRules.TrimToNull(request.LogoUri) ?? client.LogoUri;
            client.TosUri = ScopeRules.TrimToNull(request.TosUri) ?? client.TosUri;
            client.PolicyUri = ScopeRules.TrimToNull(request.PolicyUri) ?? client.PolicyUri;
            client.Contacts = request.Contacts is { Count: > 0 } contacts ? contacts : client.Contacts;
            client.SoftwareId = ScopeRules.TrimToNull(request.SoftwareId) ?? client.SoftwareId;
            client.SoftwareVersion = ScopeRules.TrimToNull(request.SoftwareVersion) ?? client.SoftwareVersion;
            client.PostLogoutRedirectUris = request.PostLogoutRedirectUris ?? client.PostLogoutRedirectUris;
            client.IdTokenSigningAlg = ScopeRules.TrimToNull(request.IdTokenSigningAlg) ?? client.IdTokenSigningAlg;
            client.AccessTokenFormat = request.AccessTokenFormat ?? client.AccessTokenFormat;
            client.AccessTokenTtlSeconds = request.AccessTokenTtlSeconds ?? client.AccessTokenTtlSeconds;
            client.SkipConsent = request.SkipConsent ?? client.SkipConsent;
            client.UpdatedAt = now;
            result = WireMapper.ToWire(client);
        }

        return ApiResult.Json(result, ApiJsonContext.Default.WireClient);
    }

    /// <summary>deactivateOAuthClient: 204; a second call (or an unknown client) is 404.</summary>
    public static ApiResult Deactivate(ApiRequest r)
    {
        var clientRecordId = r.RouteId("oauth_client_id");
        var now = r.Now;
        lock (r.Deployment.Gate)
        {
            var app = r.Deployment.RequireApp(r.Slug);
            if (!app.ClientsById.TryGetValue(clientRecordId, out var client) || !client.IsActive)
            {
                throw EmulatorApiException.NotFound("OAuth client not found or already inactive");
            }

            client.IsActive = false;
            client.UpdatedAt = now;
        }

        return ApiResult.NoContent();
    }

    /// <summary>
    /// rotateOAuthClientSecret: a new <c>oc_secret_…</c>, only its hash kept, the old one invalid at once.
    /// Unknown or inactive client: 404; <c>none</c>/<c>private_key_jwt</c>: 400 (checked in that order).
    /// </summary>
    public static ApiResult Rotate(ApiRequest r)
    {
        var clientRecordId = r.RouteId("oauth_client_id");
        var now = r.Now;
        string secret;
        lock (r.Deployment.Gate)
        {
            var app = r.Deployment.RequireApp(r.Slug);
            if (!app.ClientsById.TryGetValue(clientRecordId, out var client) || !client.IsActive)
            {
                throw EmulatorApiException.NotFound(NotFoundOrInactive);
            }

            if (!ClientSecrets.UsesSecret(client.ClientAuthMethod))
            {
                throw EmulatorApiException.BadRequest("client_secret rotation is not supported for this auth method");
            }

            secret = ClientSecrets.NewSecret();
            client.SetSecret(secret);
            client.UpdatedAt = now;
        }

        return ApiResult.Json(new WireClientSecret(secret), ApiJsonContext.Default.WireClientSecret);
    }

    private static void ValidateUrls(WireClientRequest request)
    {
        ClientValidation.ValidateOptionalUrl("client_uri", request.ClientUri);
        ClientValidation.ValidateOptionalUrl("logo_uri", request.LogoUri);
        ClientValidation.ValidateOptionalUrl("tos_uri", request.TosUri);
        ClientValidation.ValidateOptionalUrl("policy_uri", request.PolicyUri);
    }
}
