using System.Net;
using System.Text;
using System.Text.Json;
using Wacht.Client.Serialization;
using Wacht.Client.Tests.Support;

namespace Wacht.Client.Tests;

public sealed class JsonFixtureTests
{
    private static readonly WachtJsonContext Json = WachtJsonContext.Default;

    private static ReadOnlyMemory<byte> Utf8(string json) => Encoding.UTF8.GetBytes(json);

    [Fact]
    public void OAuthApp_from_contract_body_reads_every_field()
    {
        var app = WachtResponseReader.ReadObject(Utf8(Fixtures.App), Json.OAuthApp);

        Assert.Equal("9223372036854775807", app.Id);
        Assert.Equal("reports", app.Slug);
        Assert.Equal("Reports", app.Name);
        Assert.Equal("Reporting API", app.Description);
        Assert.Equal("https://cdn.example.com/logo.png", app.LogoUrl);
        Assert.Equal("auth.example.com", app.Fqdn);
        Assert.Equal(["read:reports", "write:reports"], app.SupportedScopes);
        Assert.True(app.AllowDynamicClientRegistration);
        Assert.True(app.IsActive);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 10, 15, 30, TimeSpan.Zero).AddTicks(1234560), app.CreatedAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero), app.UpdatedAt);
        Assert.Equal(2, app.ScopeDefinitions.Count);
    }

    [Fact]
    public void Scope_definition_with_permission_and_one_with_omitted_permissions_both_read()
    {
        var app = WachtResponseReader.ReadObject(Utf8(Fixtures.App), Json.OAuthApp);

        var read = app.ScopeDefinitions[0];
        Assert.Equal("read:reports", read.Scope);
        Assert.Equal("Read reports", read.DisplayName);
        Assert.Equal("Allows read:reports access", read.Description);
        Assert.False(read.Archived);
        Assert.Equal(ScopeCategories.Organization, read.Category);
        Assert.Equal("reports.read", read.OrganizationPermission);
        Assert.Null(read.WorkspacePermission);

        var write = app.ScopeDefinitions[1];
        Assert.True(write.Archived);
        Assert.Equal(ScopeCategories.Unmapped, write.Category);
        Assert.Null(write.OrganizationPermission);
        Assert.Null(write.WorkspacePermission);
    }

    [Fact]
    public void OAuthApp_with_omitted_optionals_has_nulls_and_empty_lists()
    {
        var app = WachtResponseReader.ReadObject(Utf8(Fixtures.MinimalApp), Json.OAuthApp);

        Assert.Null(app.Description);
        Assert.Null(app.LogoUrl);
        Assert.Empty(app.SupportedScopes);
        Assert.Empty(app.ScopeDefinitions);
    }

    [Fact]
    public void Lists_that_are_null_or_missing_become_empty_never_null()
    {
        var app = WachtResponseReader.ReadObject(
            Utf8("""{"id":"1","slug":"s","supported_scopes":null}"""), Json.OAuthApp);
        var client = WachtResponseReader.ReadObject(
            Utf8("""{"id":"2","client_id":"c","grant_types":null,"contacts":null}"""), Json.OAuthClient);
        var grant = WachtResponseReader.ReadObject(Utf8("""{"id":"3","scopes":null}"""), Json.OAuthGrant);

        Assert.Empty(app.SupportedScopes);
        Assert.Empty(app.ScopeDefinitions);
        Assert.Empty(client.GrantTypes);
        Assert.Empty(client.RedirectUris);
        Assert.Empty(client.Contacts);
        Assert.Empty(client.PostLogoutRedirectUris);
        Assert.Empty(grant.Scopes);
    }

    [Fact]
    public void OAuthClient_from_contract_body_reads_every_field()
    {
        var client = WachtResponseReader.ReadObject(Utf8(Fixtures.Client), Json.OAuthClient);

        Assert.Equal("9223372036854775806", client.Id);
        Assert.Equal("9223372036854775807", client.OAuthAppId);
        Assert.Equal("oc_client_5f2b8e", client.ClientId);
        Assert.Equal(ClientAuthMethods.ClientSecretBasic, client.ClientAuthMethod);
        Assert.Equal([GrantTypes.AuthorizationCode, GrantTypes.RefreshToken], client.GrantTypes);
        Assert.Equal(["https://app.example.com/callback"], client.RedirectUris);
        Assert.Equal("Dashboard", client.ClientName);
        Assert.Equal("https://app.example.com", client.ClientUri);
        Assert.Equal(["ops@example.com"], client.Contacts);
        Assert.NotNull(client.Jwks);
        Assert.Equal("k1", client.Jwks.Value.GetProperty("keys")[0].GetProperty("kid").GetString());
        Assert.True(client.IsActive);
        Assert.Equal(["https://app.example.com/bye"], client.PostLogoutRedirectUris);
        Assert.Equal("RS256", client.IdTokenSigningAlg);
        Assert.Equal(AccessTokenFormats.Jwt, client.AccessTokenFormat);
        Assert.Equal(3600, client.AccessTokenTtlSeconds);
        Assert.False(client.SkipConsent);
    }

    [Fact]
    public void OAuthClient_optional_fields_sent_as_null_and_omitted_both_read_as_null()
    {
        var withNulls = WachtResponseReader.ReadObject(Utf8(Fixtures.Client), Json.OAuthClient);
        var omitted = WachtResponseReader.ReadObject(Utf8(Fixtures.ClientWithOmittedOptionals), Json.OAuthClient);

        foreach (var client in new[] { withNulls, omitted })
        {
            Assert.Null(client.LogoUri);
            Assert.Null(client.TosUri);
            Assert.Null(client.PolicyUri);
            Assert.Null(client.SoftwareId);
            Assert.Null(client.SoftwareVersion);
            Assert.Null(client.TokenEndpointAuthSigningAlg);
            Assert.Null(client.JwksUri);
            Assert.Null(client.PublicKeyPem);
        }

        Assert.Null(omitted.ClientName);
        Assert.Null(omitted.Jwks);
        Assert.Empty(omitted.Contacts);
        Assert.Empty(omitted.PostLogoutRedirectUris);
        Assert.False(omitted.IsActive);
        Assert.Equal(ClientAuthMethods.None, omitted.ClientAuthMethod);
    }

    [Fact]
    public void Created_client_carries_the_secret_as_ClientSecret_and_a_listed_client_never_does()
    {
        var created = WachtResponseReader.ReadObject(Utf8(Fixtures.CreatedClient), Json.CreatedOAuthClient);
        var listed = WachtResponseReader.ReadObject(Utf8(Fixtures.CreatedClient), Json.OAuthClient);

        Assert.NotNull(created.ClientSecret);
        Assert.Equal(Fixtures.Secret, created.ClientSecret.Reveal());
        Assert.Equal("9223372036854775806", created.Id);
        Assert.IsNotType<CreatedOAuthClient>(listed);
    }

    [Fact]
    public void Created_public_client_without_client_secret_has_null_secret()
    {
        var created = WachtResponseReader.ReadObject(Utf8(Fixtures.ClientWithOmittedOptionals), Json.CreatedOAuthClient);

        Assert.Null(created.ClientSecret);
    }

    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("7283910238471")]
    [InlineData("9007199254740993")]
    [InlineData("18446744073709551615")]
    public void String_ids_above_2_pow_53_round_trip_exactly(string id)
    {
        var json = $$"""{"id":"{{id}}","api_auth_app_slug":"a","oauth_client_id":"{{id}}","granted_by_user_id":"{{id}}","scopes":[],"status":"active"}""";

        var grant = WachtResponseReader.ReadObject(Utf8(json), Json.OAuthGrant);
        var written = JsonSerializer.Serialize(grant, Json.OAuthGrant);
        var again = JsonSerializer.Deserialize(written, Json.OAuthGrant)!;

        Assert.Equal(id, grant.Id);
        Assert.Equal(id, grant.OAuthClientId);
        Assert.Equal(id, grant.GrantedByUserId);
        Assert.Contains($"\"id\":\"{id}\"", written, StringComparison.Ordinal);
        Assert.Contains($"\"oauth_client_id\":\"{id}\"", written, StringComparison.Ordinal);
        Assert.Equal(id, again.Id);
    }

    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("9007199254740993")]
    [InlineData("7283910238471")]
    public void Numeric_json_ids_are_accepted_without_precision_loss(string id)
    {
        var json = $$"""{"id":{{id}},"oauth_app_id":{{id}},"client_id":"c"}""";

        var client = WachtResponseReader.ReadObject(Utf8(json), Json.OAuthClient);

        Assert.Equal(id, client.Id);
        Assert.Equal(id, client.OAuthAppId);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("7.2e12")]
    [InlineData("true")]
    public void An_id_that_is_not_an_integer_is_rejected(string token)
    {
        Assert.ThrowsAny<JsonException>(() =>
            WachtResponseReader.ReadObject(Utf8($$"""{"id":{{token}},"client_id":"c"}"""), Json.OAuthClient));
    }

    [Fact]
    public void Grant_with_every_optional_reads_them()
    {
        var grant = WachtResponseReader.ReadObject(Utf8(Fixtures.GrantFull), Json.OAuthGrant);

        Assert.Equal("9007199254740993", grant.Id);
        Assert.Equal("reports", grant.ApiAuthAppSlug);
        Assert.Equal("9223372036854775806", grant.OAuthClientId);
        Assert.Equal("https://api.example.com", grant.Resource);
        Assert.Equal(["read:reports"], grant.Scopes);
        Assert.Equal(GrantStatuses.Revoked, grant.Status);
        Assert.Equal(new DateTimeOffset(2026, 12, 20, 9, 0, 0, TimeSpan.Zero), grant.ExpiresAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 10, 15, 30, 500, TimeSpan.Zero), grant.RevokedAt);
        Assert.Equal("9223372036854775805", grant.GrantedByUserId);
    }

    [Fact]
    public void Grant_without_optionals_has_nulls()
    {
        var grant = WachtResponseReader.ReadObject(Utf8(Fixtures.GrantMinimal), Json.OAuthGrant);

        Assert.Equal(GrantStatuses.Active, grant.Status);
        Assert.Null(grant.ExpiresAt);
        Assert.Null(grant.RevokedAt);
        Assert.Null(grant.GrantedByUserId);
        Assert.True(grant.IsEffectivelyActive(DateTimeOffset.UtcNow));
    }

    [Fact]
    public void An_expired_active_grant_is_not_effectively_active()
    {
        var grant = WachtResponseReader.ReadObject(Utf8(Fixtures.GrantFull), Json.OAuthGrant) with { Status = GrantStatuses.Active };

        Assert.True(grant.IsEffectivelyActive(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.False(grant.IsEffectivelyActive(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("2026-11-26T10:15:30Z")]
    [InlineData("2026-11-26T10:15:30.123456Z")]
    [InlineData("2026-11-26T10:15:30.123456789Z")]
    [InlineData("2026-11-26T11:15:30.123456+01:00")]
    public void Rfc3339_timestamps_read_to_the_same_instant(string timestamp)
    {
        var grant = WachtResponseReader.ReadObject(Utf8($$"""{"id":"1","granted_at":"{{timestamp}}"}"""), Json.OAuthGrant);

        Assert.Equal(new DateTimeOffset(2026, 11, 26, 10, 15, 30, TimeSpan.Zero), grant.GrantedAt, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Unknown_extra_properties_are_ignored()
    {
        var json = """{"id":"1","slug":"s","future_field":{"nested":[1,2,3]},"another":"x","supported_scopes":["a"],"scope_definitions":[{"scope":"a","future":true}]}""";

        var app = WachtResponseReader.ReadObject(Utf8(json), Json.OAuthApp);

        Assert.Equal("s", app.Slug);
        Assert.Equal("a", Assert.Single(app.ScopeDefinitions).Scope);
    }

    [Fact]
    public void Unknown_enum_like_values_still_deserialise()
    {
        var client = WachtResponseReader.ReadObject(
            Utf8("""{"id":"1","client_id":"c","client_auth_method":"tls_client_auth","access_token_format":"paseto"}"""), Json.OAuthClient);

        Assert.Equal("tls_client_auth", client.ClientAuthMethod);
        Assert.False(ClientAuthMethods.UsesSecret(client.ClientAuthMethod));
        Assert.Equal("paseto", client.AccessTokenFormat);
    }

    [Fact]
    public void A_missing_id_is_a_format_error()
    {
        Assert.ThrowsAny<JsonException>(() => WachtResponseReader.ReadObject(Utf8("""{"slug":"s"}"""), Json.OAuthApp));
    }

    [Fact]
    public void Data_envelope_around_an_object_is_unwrapped()
    {
        var app = WachtResponseReader.ReadObject(Utf8($$"""{"data":{{Fixtures.App}}}"""), Json.OAuthApp);

        Assert.Equal("9223372036854775807", app.Id);
    }

    [Fact]
    public void Data_envelope_around_a_list_object_or_a_bare_array_is_unwrapped()
    {
        var wrappedObject = WachtResponseReader.ReadList(Utf8($$"""{"data":{{Fixtures.Apps(Fixtures.App)}}}"""), "apps", Json.IReadOnlyListOAuthApp);
        var wrappedArray = WachtResponseReader.ReadList(Utf8($$"""{"data":[{{Fixtures.App}}]}"""), "apps", Json.IReadOnlyListOAuthApp);
        var bareArray = WachtResponseReader.ReadList(Utf8($"[{Fixtures.App},{Fixtures.MinimalApp}]"), "apps", Json.IReadOnlyListOAuthApp);

        Assert.Equal("reports", Assert.Single(wrappedObject).Slug);
        Assert.Equal("reports", Assert.Single(wrappedArray).Slug);
        Assert.Equal(["reports", "min"], bareArray.Select(static a => a.Slug));
    }

    [Theory]
    [InlineData("""{"grants":[]}""")]
    [InlineData("""{"grants":null}""")]
    [InlineData("""[]""")]
    public void Empty_or_null_lists_read_as_empty(string json)
    {
        Assert.Empty(WachtResponseReader.ReadList(Utf8(json), "grants", Json.IReadOnlyListOAuthGrant));
    }

    [Fact]
    public void A_list_body_without_its_property_is_a_format_error()
    {
        Assert.ThrowsAny<JsonException>(() => WachtResponseReader.ReadList(Utf8("""{"items":[]}"""), "grants", Json.IReadOnlyListOAuthGrant));
    }

    [Theory]
    [InlineData("""{"grants":{}}""", "Expected 'grants' to be an array but it is an object.")]
    [InlineData("""{"grants":"none"}""", "Expected 'grants' to be an array but it is a string.")]
    [InlineData("""{"data":{"items":[]},"grants":[]}""", "Expected an object with a 'grants' array.")]
    [InlineData("""42""", "Expected an object with a 'grants' array but the body is a number.")]
    public void A_list_body_of_the_wrong_shape_is_a_format_error_saying_what_is_wrong(string json, string message)
    {
        var exception = Assert.ThrowsAny<JsonException>(() => WachtResponseReader.ReadList(Utf8(json), "grants", Json.IReadOnlyListOAuthGrant));

        Assert.Equal(message, exception.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("""{"grants":[]} {"grants":[]}""")]
    [InlineData("""{"grants":[]""")]
    [InlineData("""{"grants":[{"id":"1",}]}""")]
    public void A_list_body_that_is_not_one_json_value_is_a_format_error(string json)
    {
        Assert.ThrowsAny<JsonException>(() => WachtResponseReader.ReadList(Utf8(json), "grants", Json.IReadOnlyListOAuthGrant));
    }

    [Fact]
    public void An_envelope_wins_over_a_list_beside_it_wherever_it_stands()
    {
        var grants = WachtResponseReader.ReadList(
            Utf8($$$"""{"grants":[],"data":{{{Fixtures.Grants(Fixtures.GrantFull)}}},"more":{"x":[1,2]}}"""), "grants", Json.IReadOnlyListOAuthGrant);

        Assert.Single(grants);
    }

    [Fact]
    public void Grants_list_keeps_server_order()
    {
        var grants = WachtResponseReader.ReadList(Utf8(Fixtures.Grants(Fixtures.GrantFull, Fixtures.GrantMinimal)), "grants", Json.IReadOnlyListOAuthGrant);

        Assert.Equal(["9007199254740993", "7283910238473"], grants.Select(static g => g.Id));
    }

    [Fact]
    public void Signing_keys_list_reads_every_field()
    {
        var keys = WachtResponseReader.ReadList(Utf8(Fixtures.SigningKeys), "keys", Json.IReadOnlyListSigningKey);

        Assert.Equal(2, keys.Count);
        Assert.Equal("key-2026-11", keys[0].Kid);
        Assert.Equal("RS256", keys[0].Algorithm);
        Assert.Equal("active", keys[0].Status);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----\n", keys[0].PublicKeyPem, StringComparison.Ordinal);
        Assert.Equal("retired", keys[1].Status);
    }

    [Fact]
    public void Rotated_signing_key_is_read_from_the_new_property()
    {
        var key = WachtResponseReader.ReadNestedObject(Utf8(Fixtures.RotatedSigningKey), "new", Json.SigningKey);

        Assert.Equal("key-2026-12", key.Kid);
        Assert.Equal("active", key.Status);
    }

    [Fact]
    public void Domain_verification_reads_every_field()
    {
        var verification = WachtResponseReader.ReadObject(Utf8(Fixtures.DomainVerification), Json.DomainVerification);

        Assert.Equal(new DomainVerification { Domain = "auth.example.com", CnameTarget = "cname.wacht.dev", Verified = true }, verification);
    }

    [Fact]
    public void Rotated_secret_reads_the_client_secret()
    {
        var rotated = WachtResponseReader.ReadObject(Utf8(Fixtures.RotatedSecret), Json.RotatedClientSecret);

        Assert.Equal(Fixtures.Secret, rotated.ClientSecret.Reveal());
    }

    [Theory]
    [InlineData("""{"errors":[{"message":"OAuth client not found","code":404}]}""", "OAuth client not found")]
    [InlineData("""{"errors":[{"message":"first","code":400},{"message":"second","code":400}]}""", "first")]
    [InlineData("""{"message":"Unauthorized"}""", "Unauthorized")]
    [InlineData("""{"errors":[],"message":"top level wins when errors is empty"}""", "top level wins when errors is empty")]
    [InlineData("""{"errors":[{"code":500}],"message":"fallback"}""", "fallback")]
    [InlineData("upstream connect error or disconnect/reset before headers", "upstream connect error or disconnect/reset before headers")]
    [InlineData("<html><body>502 Bad Gateway</body></html>", "<html><body>502 Bad Gateway</body></html>")]
    [InlineData("""{"error":"unexpected shape"}""", """{"error":"unexpected shape"}""")]
    [InlineData("\"plain json string\"", "plain json string")]
    public void Server_message_is_read_from_errors_then_message_then_raw_text(string body, string expected)
    {
        Assert.Equal(expected, ServerMessageReader.Read(Encoding.UTF8.GetBytes(body)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("null")]
    [InlineData("{}")]
    public void Server_message_of_an_empty_body_is_null(string body)
    {
        Assert.Null(ServerMessageReader.Read(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Server_message_is_truncated_to_about_500_characters()
    {
        var message = ServerMessageReader.Read(Encoding.UTF8.GetBytes(new string('x', 5000)));

        Assert.NotNull(message);
        Assert.InRange(message.Length, 500, 520);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{}")]
    public async Task Revoke_accepts_an_empty_null_or_empty_object_body(string body)
    {
        var handler = new StubHttpHandler().ThenStatus(HttpStatusCode.OK, body);
        await using var host = WachtTestHost.Create(handler);

        await host.Client.RevokeOAuthGrantAsync("reports", "9223372036854775806", "9223372036854775805");

        Assert.Equal(HttpMethod.Post, handler.SingleRequest.Method);
    }

    [Fact]
    public async Task Deactivate_accepts_204_without_body()
    {
        var handler = new StubHttpHandler().ThenStatus(HttpStatusCode.NoContent);
        await using var host = WachtTestHost.Create(handler);

        await host.Client.DeactivateOAuthClientAsync("reports", "9223372036854775806");

        Assert.Equal(HttpMethod.Delete, handler.SingleRequest.Method);
    }

    [Fact]
    public async Task Compromise_accepts_any_success_body()
    {
        var handler = new StubHttpHandler().ThenJson("""{"kid":"key-1","status":"compromised"}""");
        await using var host = WachtTestHost.Create(handler);

        await host.Client.CompromiseOAuthAppSigningKeyAsync("reports", "key-1");
    }

    [Fact]
    public async Task Every_typed_endpoint_reads_its_contract_body_end_to_end()
    {
        var handler = new StubHttpHandler()
            .ThenJson(Fixtures.Apps(Fixtures.App, Fixtures.MinimalApp))
            .ThenJson(Fixtures.Clients(Fixtures.Client, Fixtures.ClientWithOmittedOptionals))
            .ThenJson(Fixtures.Grants(Fixtures.GrantFull, Fixtures.GrantMinimal))
            .ThenJson(Fixtures.SigningKeys)
            .ThenJson(Fixtures.RotatedSigningKey)
            .ThenJson(Fixtures.DomainVerification)
            .ThenJson(Fixtures.CreatedClient)
            .ThenJson(Fixtures.RotatedSecret)
            .ThenJson($$"""{"data":{{Fixtures.App}}}""");
        await using var host = WachtTestHost.Create(handler);
        var client = host.Client;

        Assert.Equal(2, (await client.ListOAuthAppsAsync()).Count);
        Assert.Equal(2, (await client.ListOAuthClientsAsync("reports")).Count);
        Assert.Equal(2, (await client.ListOAuthGrantsAsync("reports", "9223372036854775806")).Count);
        Assert.Equal(2, (await client.ListOAuthAppSigningKeysAsync("reports")).Count);
        Assert.Equal("key-2026-12", (await client.RotateOAuthAppSigningKeyAsync("reports")).Kid);
        Assert.True((await client.VerifyOAuthAppDomainAsync("reports")).Verified);
        Assert.Equal(Fixtures.Secret, (await client.CreateOAuthClientAsync("reports", new CreateOAuthClientRequest
        {
            ClientAuthMethod = ClientAuthMethods.ClientSecretBasic,
            GrantTypes = [GrantTypes.AuthorizationCode],
        })).ClientSecret!.Reveal());
        Assert.Equal(Fixtures.Secret, (await client.RotateOAuthClientSecretAsync("reports", "9223372036854775806")).ClientSecret.Reveal());
        Assert.Equal("9223372036854775807", (await client.ArchiveOAuthScopeAsync("reports", "write:reports")).Id);
    }
}
