using System.Net;
using System.Text.Json;
using Wacht.Client.Tests.Support;

namespace Wacht.Client.Tests;

public sealed class RequestShapeTests
{
    private const string ClientId = "9223372036854775806";
    private const string GrantId = "9223372036854775805";

    public static TheoryData<string, string, string> Endpoints() => new()
    {
        { "listOAuthApps", "GET", "/oauth/apps" },
        { "createOAuthApp", "POST", "/oauth/apps" },
        { "updateOAuthApp", "PATCH", "/oauth/apps/reports" },
        { "verifyOAuthAppDomain", "POST", "/oauth/apps/reports/verify-domain" },
        { "updateOAuthScope", "PATCH", "/oauth/apps/reports/scopes/read%3Areports" },
        { "archiveOAuthScope", "POST", "/oauth/apps/reports/scopes/read%3Areports/archive" },
        { "unarchiveOAuthScope", "POST", "/oauth/apps/reports/scopes/read%3Areports/unarchive" },
        { "setOAuthScopeMapping", "POST", "/oauth/apps/reports/scopes/read%3Areports/mapping" },
        { "listOAuthClients", "GET", "/oauth/apps/reports/clients" },
        { "createOAuthClient", "POST", "/oauth/apps/reports/clients" },
        { "updateOAuthClient", "PATCH", $"/oauth/apps/reports/clients/{ClientId}" },
        { "deactivateOAuthClient", "DELETE", $"/oauth/apps/reports/clients/{ClientId}" },
        { "rotateOAuthClientSecret", "POST", $"/oauth/apps/reports/clients/{ClientId}/rotate-secret" },
        { "listOAuthGrants", "GET", $"/oauth/apps/reports/clients/{ClientId}/grants" },
        { "revokeOAuthGrant", "POST", $"/oauth/apps/reports/clients/{ClientId}/grants/{GrantId}/revoke" },
        { "listOAuthAppSigningKeys", "GET", "/oauth/apps/reports/signing-keys" },
        { "rotateOAuthAppSigningKey", "POST", "/oauth/apps/reports/signing-keys/rotate" },
        { "compromiseOAuthAppSigningKey", "POST", "/oauth/apps/reports/signing-keys/key%3A2026/compromise" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Backend_path_style_sends_method_and_path_of_the_contract(string operation, string method, string path)
    {
        var handler = new StubHttpHandler().Always(Respond);
        await using var host = WachtTestHost.Create(handler);

        await Invoke(host.Client, operation);

        var request = handler.SingleRequest;
        Assert.Equal(method, request.Method.Method);
        Assert.Equal(path, request.Path);
        Assert.Equal("api.test.local", request.Uri.Host);
        Assert.Equal(operation, request.Operation);
        Assert.Equal(WachtTestHost.DeploymentId, request.DeploymentId);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Platform_path_style_prefixes_the_deployment(string operation, string method, string path)
    {
        var handler = new StubHttpHandler().Always(Respond);
        await using var host = WachtTestHost.Create(handler, static s => s[$"Wacht:Deployments:{WachtTestHost.DeploymentId}:PathStyle"] = "Platform");

        await Invoke(host.Client, operation);

        var request = handler.SingleRequest;
        Assert.Equal(method, request.Method.Method);
        Assert.Equal($"/deployments/{WachtTestHost.DeploymentId}{path}", request.Path);
    }

    [Fact]
    public void The_endpoint_table_covers_all_18_operations()
    {
        Assert.Equal(18, Endpoints().Count);
        Assert.Equal(WachtOperations.All.Select(static o => o.Name).Order(), Endpoints().Select(static row => (string)row[0]).Order());
    }

    [Fact]
    public async Task Platform_style_with_the_largest_deployment_id_keeps_every_digit()
    {
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.Apps());
        var settings = WachtTestHost.DefaultSettings(WachtTestHost.OtherDeploymentId);
        settings[$"Wacht:Deployments:{WachtTestHost.OtherDeploymentId}:PathStyle"] = "Platform";
        await using var host = WachtTestHost.Create(handler, settings);

        await host.Factory.GetClient(WachtTestHost.OtherDeploymentId).ListOAuthAppsAsync();

        Assert.Equal("/deployments/9223372036854775807/oauth/apps", handler.SingleRequest.Path);
    }

    [Fact]
    public async Task Base_url_path_prefix_is_kept()
    {
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.Apps());
        await using var host = WachtTestHost.Create(handler, static s => s[$"Wacht:Deployments:{WachtTestHost.DeploymentId}:BaseUrl"] = "http://localhost:5080/emulator/");

        await host.Client.ListOAuthAppsAsync();

        Assert.Equal(new Uri("http://localhost:5080/emulator/oauth/apps"), handler.SingleRequest.Uri);
    }

    [Fact]
    public async Task Every_request_carries_the_bearer_key_accept_json_and_its_tags()
    {
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.RotatedSecret);
        await using var host = WachtTestHost.Create(handler);

        await host.Client.RotateOAuthClientSecretAsync("reports", ClientId);

        var request = handler.SingleRequest;
        Assert.Equal("Bearer", request.Authorization?.Scheme);
        Assert.Equal(WachtTestHost.ApiKey, request.Authorization?.Parameter);
        Assert.Contains("application/json", request.Headers["Accept"], StringComparison.Ordinal);
        Assert.StartsWith("Wacht.Client/", request.Headers["User-Agent"], StringComparison.Ordinal);
        Assert.Equal("rotateOAuthClientSecret", request.Operation);
        Assert.False(request.IsIdempotent);
    }

    [Fact]
    public async Task Each_deployment_uses_its_own_key_and_base_url()
    {
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.Apps());
        var settings = WachtTestHost.DefaultSettings();
        foreach (var (key, value) in WachtTestHost.DefaultSettings(WachtTestHost.OtherDeploymentId, WachtTestHost.OtherApiKey))
        {
            settings[key] = value;
        }

        settings[$"Wacht:Deployments:{WachtTestHost.OtherDeploymentId}:BaseUrl"] = "https://other.test.local";
        await using var host = WachtTestHost.Create(handler, settings);

        await host.Client.ListOAuthAppsAsync();
        await host.Factory.GetClient(WachtTestHost.OtherDeploymentId).ListOAuthAppsAsync();

        Assert.Equal(WachtTestHost.ApiKey, handler.Requests[0].Authorization?.Parameter);
        Assert.Equal("api.test.local", handler.Requests[0].Uri.Host);
        Assert.Equal(WachtTestHost.OtherApiKey, handler.Requests[1].Authorization?.Parameter);
        Assert.Equal("other.test.local", handler.Requests[1].Uri.Host);
    }

    [Fact]
    public async Task Update_app_sends_snake_case_json_without_nulls()
    {
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.App);
        await using var host = WachtTestHost.Create(handler);

        await host.Client.UpdateOAuthAppAsync("reports", new UpdateOAuthAppRequest
        {
            Name = "Reports v2",
            LogoUrl = "https://cdn.example.com/v2.png",
            SupportedScopes = ["read:reports"],
            ScopeDefinitions = [new ScopeDefinition { Scope = "read:reports", DisplayName = "Read", Description = "Read reports" }],
            AllowDynamicClientRegistration = false,
            IsActive = true,
        });

        var request = handler.SingleRequest;
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
        Assert.Equal(
            """{"name":"Reports v2","logo_url":"https://cdn.example.com/v2.png","supported_scopes":["read:reports"],"scope_definitions":[{"scope":"read:reports","display_name":"Read","description":"Read reports","archived":false,"category":""}],"allow_dynamic_client_registration":false,"is_active":true}""",
            request.BodyText);
    }

    [Fact]
    public async Task Update_app_with_nothing_set_sends_an_empty_object()
    {
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.App);
        await using var host = WachtTestHost.Create(handler);

        await host.Client.UpdateOAuthAppAsync("reports", new UpdateOAuthAppRequest());

        Assert.Equal("{}", handler.SingleRequest.BodyText);
    }

    [Fact]
    public async Task Update_scope_and_mapping_send_their_json_bodies()
    {
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.App);
        await using var host = WachtTestHost.Create(handler);

        await host.Client.UpdateOAuthScopeAsync("reports", "read:reports", new UpdateOAuthScopeRequest { DisplayName = "Read reports" });
        await host.Client.SetOAuthScopeMappingAsync("reports", "read:reports", new SetOAuthScopeMappingRequest
        {
            Category = ScopeCategories.Organization,
            OrganizationPermission = "reports.read",
        });

        Assert.Equal("""{"display_name":"Read reports"}""", handler.Requests[0].BodyText);
        Assert.Equal("""{"category":"organization","organization_permission":"reports.read"}""", handler.Requests[1].BodyText);
    }

    [Fact]
    public async Task Create_client_sends_every_set_field_in_snake_case()
    {
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.CreatedClient);
        await using var host = WachtTestHost.Create(handler);
        using var jwks = JsonDocument.Parse("""{"keys":[{"kty":"RSA","kid":"k1"}]}""");

        await host.Client.CreateOAuthClientAsync("reports", new CreateOAuthClientRequest
        {
            ClientAuthMethod = ClientAuthMethods.PrivateKeyJwt,
            GrantTypes = [GrantTypes.ClientCredentials],
            RedirectUris = ["https://app.example.com/cb"],
            ClientName = "Backend job",
            Jwks = jwks.RootElement.Clone(),
            PostLogoutRedirectUris = [],
            AccessTokenFormat = AccessTokenFormats.Jwt,
            AccessTokenTtlSeconds = 900,
            SkipConsent = true,
        });

        Assert.Equal(
            """{"client_auth_method":"private_key_jwt","grant_types":["client_credentials"],"redirect_uris":["https://app.example.com/cb"],"client_name":"Backend job","jwks":{"keys":[{"kty":"RSA","kid":"k1"}]},"post_logout_redirect_uris":[],"access_token_format":"jwt","access_token_ttl_seconds":900,"skip_consent":true}""",
            handler.SingleRequest.BodyText);
    }

    [Fact]
    public async Task Update_client_omits_unset_fields()
    {
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.Client);
        await using var host = WachtTestHost.Create(handler);

        await host.Client.UpdateOAuthClientAsync("reports", ClientId, new UpdateOAuthClientRequest { RedirectUris = ["https://a/cb"], AccessTokenTtlSeconds = 120 });

        Assert.Equal("""{"redirect_uris":["https://a/cb"],"access_token_ttl_seconds":120}""", handler.SingleRequest.BodyText);
    }

    [Fact]
    public async Task Bodyless_posts_send_no_content_type()
    {
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.RotatedSecret);
        await using var host = WachtTestHost.Create(handler);

        await host.Client.RotateOAuthClientSecretAsync("reports", ClientId);

        Assert.Null(handler.SingleRequest.ContentType);
        Assert.Empty(handler.SingleRequest.Body);
    }

    [Fact]
    public async Task Create_app_sends_multipart_fields_as_the_contract_names_them()
    {
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.App);
        await using var host = WachtTestHost.Create(handler);
        using var logo = new MemoryStream([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A]);

        await host.Client.CreateOAuthAppAsync(new CreateOAuthAppRequest
        {
            Slug = "reports",
            Name = "Reports",
            Description = "Reporting API",
            Fqdn = "auth.example.com",
            SupportedScopes = ["read:reports", "write:reports"],
            ScopeDefinitions = [new ScopeDefinition { Scope = "read:reports", DisplayName = "Read reports" }],
            AllowDynamicClientRegistration = true,
            Logo = new OAuthAppLogo(logo, "logo.png", "image/png"),
        });

        var request = handler.SingleRequest;
        Assert.StartsWith("multipart/form-data", request.ContentType, StringComparison.Ordinal);
        var parts = Multipart.Parse(request);
        Assert.Equal("reports", parts.Field("slug").Text);
        Assert.Equal("Reports", parts.Field("name").Text);
        Assert.Equal("Reporting API", parts.Field("description").Text);
        Assert.Equal("auth.example.com", parts.Field("fqdn").Text);
        Assert.Equal("read:reports,write:reports", parts.Field("supported_scopes").Text);
        Assert.Equal(
            """[{"scope":"read:reports","display_name":"Read reports","description":"","archived":false,"category":""}]""",
            parts.Field("scope_definitions").Text);
        Assert.Equal("true", parts.Field("allow_dynamic_client_registration").Text);
        Assert.False(parts.Field("slug").Headers.ContainsKey("Content-Type"));

        var file = parts.Field("logo");
        Assert.Contains("filename=\"logo.png\"", file.Headers["Content-Disposition"], StringComparison.Ordinal);
        Assert.Equal("image/png", file.Headers["Content-Type"]);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A }, file.Body);
        Assert.True(logo.CanRead, "the caller's stream is not disposed");
    }

    [Fact]
    public async Task Create_app_omits_unset_optional_fields_and_sends_false_explicitly()
    {
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.App);
        await using var host = WachtTestHost.Create(handler);

        await host.Client.CreateOAuthAppAsync(new CreateOAuthAppRequest { Slug = "min", Name = "Min", AllowDynamicClientRegistration = false });

        var parts = Multipart.Parse(handler.SingleRequest);
        Assert.Equal(3, parts.Count);
        Assert.Equal("false", parts.Field("allow_dynamic_client_registration").Text);
        Assert.False(parts.HasField("description"));
        Assert.False(parts.HasField("supported_scopes"));
        Assert.False(parts.HasField("logo"));
    }

    [Fact]
    public async Task Blank_or_null_arguments_throw_before_any_request()
    {
        var handler = new StubHttpHandler().AlwaysJson("{}");
        await using var host = WachtTestHost.Create(handler);
        var client = host.Client;

        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.ListOAuthClientsAsync(""));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.ListOAuthClientsAsync("  "));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.ListOAuthClientsAsync(null!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.ArchiveOAuthScopeAsync("reports", " "));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.RotateOAuthClientSecretAsync("reports", ""));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.RevokeOAuthGrantAsync("reports", ClientId, ""));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.CompromiseOAuthAppSigningKeyAsync("reports", ""));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.UpdateOAuthAppAsync("reports", null!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.CreateOAuthAppAsync(null!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.CreateOAuthAppAsync(new CreateOAuthAppRequest { Slug = "", Name = "n" }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.CreateOAuthAppAsync(new CreateOAuthAppRequest
        {
            Slug = "s",
            Name = "n",
            Logo = new OAuthAppLogo(Stream.Null, "logo.png", "not a media type"),
        }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.SetOAuthScopeMappingAsync("reports", "read:reports", new SetOAuthScopeMappingRequest { Category = "" }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.CreateOAuthClientAsync("reports", new CreateOAuthClientRequest { ClientAuthMethod = "", GrantTypes = [] }));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task A_public_client_id_in_place_of_the_record_id_is_refused_with_a_hint()
    {
        var handler = new StubHttpHandler().AlwaysJson("{}");
        await using var host = WachtTestHost.Create(handler);

        var error = await Assert.ThrowsAsync<WachtArgumentException>(() => host.Client.RotateOAuthClientSecretAsync("reports", "oc_client_5f2b8e"));

        Assert.Equal("oauthClientId", error.ParamName);
        Assert.Contains("client_id", error.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    private static Task<HttpResponseMessage> Respond(RecordedRequest request, CancellationToken ct)
    {
        var body = request.Operation switch
        {
            "listOAuthApps" => Fixtures.Apps(Fixtures.App),
            "listOAuthClients" => Fixtures.Clients(Fixtures.Client),
            "listOAuthGrants" => Fixtures.Grants(Fixtures.GrantMinimal),
            "listOAuthAppSigningKeys" => Fixtures.SigningKeys,
            "rotateOAuthAppSigningKey" => Fixtures.RotatedSigningKey,
            "verifyOAuthAppDomain" => Fixtures.DomainVerification,
            "createOAuthClient" => Fixtures.CreatedClient,
            "updateOAuthClient" => Fixtures.Client,
            "rotateOAuthClientSecret" => Fixtures.RotatedSecret,
            "deactivateOAuthClient" => null,
            "revokeOAuthGrant" or "compromiseOAuthAppSigningKey" => "{}",
            _ => Fixtures.App,
        };
        return Task.FromResult(body is null
            ? new HttpResponseMessage(HttpStatusCode.NoContent)
            : StubHttpHandler.Json(HttpStatusCode.OK, body));
    }

    private static Task Invoke(IWachtClient client, string operation) => operation switch
    {
        "listOAuthApps" => client.ListOAuthAppsAsync(),
        "createOAuthApp" => client.CreateOAuthAppAsync(new CreateOAuthAppRequest { Slug = "reports", Name = "Reports" }),
        "updateOAuthApp" => client.UpdateOAuthAppAsync("reports", new UpdateOAuthAppRequest { Name = "Reports" }),
        "verifyOAuthAppDomain" => client.VerifyOAuthAppDomainAsync("reports"),
        "updateOAuthScope" => client.UpdateOAuthScopeAsync("reports", "read:reports", new UpdateOAuthScopeRequest { Description = "d" }),
        "archiveOAuthScope" => client.ArchiveOAuthScopeAsync("reports", "read:reports"),
        "unarchiveOAuthScope" => client.UnarchiveOAuthScopeAsync("reports", "read:reports"),
        "setOAuthScopeMapping" => client.SetOAuthScopeMappingAsync("reports", "read:reports", new SetOAuthScopeMappingRequest { Category = ScopeCategories.Personal }),
        "listOAuthClients" => client.ListOAuthClientsAsync("reports"),
        "createOAuthClient" => client.CreateOAuthClientAsync("reports", new CreateOAuthClientRequest { ClientAuthMethod = ClientAuthMethods.ClientSecretPost, GrantTypes = [GrantTypes.ClientCredentials] }),
        "updateOAuthClient" => client.UpdateOAuthClientAsync("reports", ClientId, new UpdateOAuthClientRequest { ClientName = "n" }),
        "deactivateOAuthClient" => client.DeactivateOAuthClientAsync("reports", ClientId),
        "rotateOAuthClientSecret" => client.RotateOAuthClientSecretAsync("reports", ClientId),
        "listOAuthGrants" => client.ListOAuthGrantsAsync("reports", ClientId),
        "revokeOAuthGrant" => client.RevokeOAuthGrantAsync("reports", ClientId, GrantId),
        "listOAuthAppSigningKeys" => client.ListOAuthAppSigningKeysAsync("reports"),
        "rotateOAuthAppSigningKey" => client.RotateOAuthAppSigningKeyAsync("reports"),
        "compromiseOAuthAppSigningKey" => client.CompromiseOAuthAppSigningKeyAsync("reports", "key:2026"),
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };
}
