namespace Wacht.Client.IntegrationTests;

/// <summary>
/// Every method of <see cref="IWachtClient"/> against the emulator, in both path styles: the backend deployment uses
/// <c>/oauth/...</c>, the platform deployment <c>/deployments/{id}/oauth/...</c>.
/// </summary>
public sealed class EndpointTests
{
    public static TheoryData<string> Deployments => new() { World.BackendDeployment, World.PlatformDeployment };

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task ListOAuthApps_ReturnsTheSeededAppWithNormalisedScopes(string deployment)
    {
        await using var world = await World.StartAsync();

        var apps = await world.Client(deployment).ListOAuthAppsAsync();

        var app = Assert.Single(apps);
        Assert.Equal(World.AppSlug, app.Slug);
        Assert.Equal(["admin", "read:reports", "write:reports"], app.SupportedScopes);
        Assert.Equal(app.SupportedScopes, app.ScopeDefinitions.Select(d => d.Scope));
        Assert.Equal("Allows admin access", app.ScopeDefinitions[0].Description);
        Assert.True(long.Parse(app.Id, System.Globalization.CultureInfo.InvariantCulture) > (1L << 53));
        Assert.Equal(1, world.Emulator.Calls.Count("listOAuthApps", deployment));
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task CreateOAuthApp_SendsMultipartAndDuplicateSlugIsAConflict(string deployment)
    {
        await using var world = await World.StartAsync();
        var client = world.Client(deployment);
        var request = new CreateOAuthAppRequest
        {
            Slug = "billing-portal",
            Name = "Billing Portal",
            Description = "Invoices and payments",
            Fqdn = "billing.example.com",
            SupportedScopes = [" invoices:read", "invoices:write ", "invoices:read"],
            ScopeDefinitions = [new ScopeDefinition { Scope = "invoices:read", DisplayName = "Read invoices", Description = "See invoices" }],
            AllowDynamicClientRegistration = true,
        };

        var app = await client.CreateOAuthAppAsync(request);

        Assert.Equal("billing-portal", app.Slug);
        Assert.Equal("Invoices and payments", app.Description);
        Assert.Equal("billing.example.com", app.Fqdn);
        Assert.Equal(["invoices:read", "invoices:write"], app.SupportedScopes);
        Assert.Equal("Read invoices", app.ScopeDefinitions[0].DisplayName);
        Assert.Equal("invoices:write", app.ScopeDefinitions[1].DisplayName);
        Assert.True(app.AllowDynamicClientRegistration);
        Assert.Contains(await client.ListOAuthAppsAsync(), a => a.Slug == "billing-portal");

        var conflict = await Assert.ThrowsAsync<WachtConflictException>(() => client.CreateOAuthAppAsync(request));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("Resource already exists", conflict.ServerMessage);
        Assert.False(conflict.IsTransient);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task UpdateOAuthApp_ReplacesSupportedScopesAndDropsRemovedDefinitions(string deployment)
    {
        await using var world = await World.StartAsync();
        var client = world.Client(deployment);

        var app = await client.UpdateOAuthAppAsync(World.AppSlug, new UpdateOAuthAppRequest
        {
            Name = "Analytics API v2",
            SupportedScopes = ["read:reports", "export:reports"],
        });

        Assert.Equal("Analytics API v2", app.Name);
        Assert.Equal(["export:reports", "read:reports"], app.SupportedScopes);
        Assert.DoesNotContain(app.ScopeDefinitions, d => d.Scope == "admin");
        await Assert.ThrowsAsync<WachtNotFoundException>(() => client.UpdateOAuthAppAsync("no-such-app", new UpdateOAuthAppRequest { Name = "x" }));
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task VerifyOAuthAppDomain_ReportsTheAppDomain(string deployment)
    {
        await using var world = await World.StartAsync();

        var verification = await world.Client(deployment).VerifyOAuthAppDomainAsync(World.AppSlug);

        Assert.Equal(World.AppFqdn(deployment), verification.Domain);
        Assert.False(string.IsNullOrEmpty(verification.CnameTarget));
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task ScopeOperations_UpdateArchiveUnarchiveAndMapAScopeWithAColonInItsName(string deployment)
    {
        await using var world = await World.StartAsync();
        var client = world.Client(deployment);

        var updated = await client.UpdateOAuthScopeAsync(World.AppSlug, "read:reports", new UpdateOAuthScopeRequest { DisplayName = "Read reports" });
        Assert.Equal("Read reports", updated.ScopeDefinitions.Single(d => d.Scope == "read:reports").DisplayName);

        var archived = await client.ArchiveOAuthScopeAsync(World.AppSlug, "read:reports");
        Assert.True(archived.ScopeDefinitions.Single(d => d.Scope == "read:reports").Archived);

        var unarchived = await client.UnarchiveOAuthScopeAsync(World.AppSlug, "read:reports");
        Assert.False(unarchived.ScopeDefinitions.Single(d => d.Scope == "read:reports").Archived);

        var mapped = await client.SetOAuthScopeMappingAsync(World.AppSlug, "read:reports", new SetOAuthScopeMappingRequest
        {
            Category = ScopeCategories.Organization,
            OrganizationPermission = "org:reports:read",
        });
        var definition = mapped.ScopeDefinitions.Single(d => d.Scope == "read:reports");
        Assert.Equal("organization", definition.Category);
        Assert.Equal("org:reports:read", definition.OrganizationPermission);
        Assert.Null(definition.WorkspacePermission);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task ScopeOperations_RefuseUnknownScopesAndImmutableMappingChanges(string deployment)
    {
        await using var world = await World.StartAsync();
        var client = world.Client(deployment);

        var missing = await Assert.ThrowsAsync<WachtNotFoundException>(() => client.ArchiveOAuthScopeAsync(World.AppSlug, "no:such:scope"));
        Assert.Equal("scope definition not found", missing.ServerMessage);

        await client.SetOAuthScopeMappingAsync(World.AppSlug, "admin", new SetOAuthScopeMappingRequest { Category = "organization", OrganizationPermission = "org:admin" });
        var immutable = await Assert.ThrowsAsync<WachtBadRequestException>(() =>
            client.SetOAuthScopeMappingAsync(World.AppSlug, "admin", new SetOAuthScopeMappingRequest { Category = "workspace", WorkspacePermission = "ws:reports:edit" }));
        Assert.Equal("scope category is immutable once set", immutable.ServerMessage);

        var unknownPermission = await Assert.ThrowsAsync<WachtBadRequestException>(() =>
            client.SetOAuthScopeMappingAsync(World.AppSlug, "write:reports", new SetOAuthScopeMappingRequest { Category = "workspace", WorkspacePermission = "ws:nope" }));
        Assert.False(unknownPermission.IsTransient);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task CreateOAuthClient_ReturnsASecretThatTheServerAccepts(string deployment)
    {
        await using var world = await World.StartAsync();
        var client = world.Client(deployment);

        var created = await client.CreateOAuthClientAsync(World.AppSlug, new CreateOAuthClientRequest
        {
            ClientAuthMethod = ClientAuthMethods.ClientSecretPost,
            GrantTypes = ["client_credentials"],
            ClientName = "nightly-export",
            AccessTokenTtlSeconds = 900,
        });

        Assert.NotNull(created.ClientSecret);
        Assert.Matches("^oc_secret_[A-Za-z0-9_-]{43}$", created.ClientSecret.Reveal());
        Assert.True(world.Emulator.IsCurrentSecret(created.ClientId, created.ClientSecret.Reveal()));
        Assert.Equal(900, created.AccessTokenTtlSeconds);
        Assert.DoesNotContain(created.ClientSecret.Reveal(), created.ToString(), StringComparison.Ordinal);

        var listed = await client.ListOAuthClientsAsync(World.AppSlug);
        Assert.Contains(listed, c => c.Id == created.Id && c.ClientName == "nightly-export");
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task UpdateOAuthClient_ChangesFieldsAndRejectsAnInvalidTokenFormat(string deployment)
    {
        await using var world = await World.StartAsync();
        var client = world.Client(deployment);
        var target = await world.FindClientAsync(deployment, World.ServiceClientName);

        var updated = await client.UpdateOAuthClientAsync(World.AppSlug, target.Id, new UpdateOAuthClientRequest { AccessTokenFormat = "jwt", AccessTokenTtlSeconds = 600 });
        Assert.Equal("jwt", updated.AccessTokenFormat);
        Assert.Equal(600, updated.AccessTokenTtlSeconds);

        await Assert.ThrowsAsync<WachtBadRequestException>(() =>
            client.UpdateOAuthClientAsync(World.AppSlug, target.Id, new UpdateOAuthClientRequest { AccessTokenTtlSeconds = 30 }));
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task RotateOAuthClientSecret_InvalidatesTheOldSecretAtOnce(string deployment)
    {
        await using var world = await World.StartAsync();
        var client = world.Client(deployment);
        var target = await world.FindClientAsync(deployment, World.ServiceClientName);
        var oldSecret = world.SeededSecrets[deployment];
        Assert.True(world.Emulator.IsCurrentSecret(target.ClientId, oldSecret));

        var rotated = await client.RotateOAuthClientSecretAsync(World.AppSlug, target.Id);

        Assert.False(world.Emulator.IsCurrentSecret(target.ClientId, oldSecret));
        Assert.True(world.Emulator.IsCurrentSecret(target.ClientId, rotated.ClientSecret.Reveal()));
        Assert.NotEqual(oldSecret, rotated.ClientSecret.Reveal());
        Assert.Equal(1, world.Emulator.Calls.Count("rotateOAuthClientSecret", deployment));
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task RotateOAuthClientSecret_IsRefusedForAPublicClient(string deployment)
    {
        await using var world = await World.StartAsync();
        var target = await world.FindClientAsync(deployment, World.PublicClientName);

        var refused = await Assert.ThrowsAsync<WachtBadRequestException>(() => world.Client(deployment).RotateOAuthClientSecretAsync(World.AppSlug, target.Id));

        Assert.Equal("client_secret rotation is not supported for this auth method", refused.ServerMessage);
        Assert.False(refused.IsTransient);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task DeactivateOAuthClient_AnswersOnceThenNotFoundAndRotateIsRefused(string deployment)
    {
        await using var world = await World.StartAsync();
        var client = world.Client(deployment);
        var target = await world.FindClientAsync(deployment, World.ServiceClientName);

        await client.DeactivateOAuthClientAsync(World.AppSlug, target.Id);

        var again = await Assert.ThrowsAsync<WachtNotFoundException>(() => client.DeactivateOAuthClientAsync(World.AppSlug, target.Id));
        Assert.Equal("OAuth client not found or already inactive", again.ServerMessage);
        Assert.False((await world.FindClientAsync(deployment, World.ServiceClientName)).IsActive);
        await Assert.ThrowsAsync<WachtNotFoundException>(() => client.RotateOAuthClientSecretAsync(World.AppSlug, target.Id));
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task ListOAuthGrants_ReturnsNewestFirstWithLargeUserIdsExact(string deployment)
    {
        await using var world = await World.StartAsync();
        var target = await world.FindClientAsync(deployment, World.ServiceClientName);

        var grants = await world.Client(deployment).ListOAuthGrantsAsync(World.AppSlug, target.Id);

        Assert.Equal(3, grants.Count);
        Assert.True(grants[0].GrantedAt >= grants[1].GrantedAt && grants[1].GrantedAt >= grants[2].GrantedAt);
        Assert.All(grants, g => Assert.Equal(target.Id, g.OAuthClientId));
        Assert.Contains(grants, g => g.GrantedByUserId == "9223372036854775807");
        Assert.Contains(grants, g => g.Status == GrantStatuses.Active && g.ExpiresAt < DateTimeOffset.UtcNow);
        Assert.Contains(grants, g => g.Status == GrantStatuses.Revoked && g.RevokedAt is not null);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task RevokeOAuthGrant_RevokesAndIsIdempotentButUnknownClientIsNotFound(string deployment)
    {
        await using var world = await World.StartAsync();
        var client = world.Client(deployment);
        var target = await world.FindClientAsync(deployment, World.ServiceClientName);
        var grant = (await client.ListOAuthGrantsAsync(World.AppSlug, target.Id)).First(g => g.Status == GrantStatuses.Active);

        await client.RevokeOAuthGrantAsync(World.AppSlug, target.Id, grant.Id);
        await client.RevokeOAuthGrantAsync(World.AppSlug, target.Id, grant.Id);
        await client.RevokeOAuthGrantAsync(World.AppSlug, target.Id, "9223372036854775801");

        var after = (await client.ListOAuthGrantsAsync(World.AppSlug, target.Id)).Single(g => g.Id == grant.Id);
        Assert.Equal(GrantStatuses.Revoked, after.Status);
        Assert.NotNull(after.RevokedAt);

        var unknownClient = await Assert.ThrowsAsync<WachtNotFoundException>(() => client.RevokeOAuthGrantAsync(World.AppSlug, "9223372036854775800", grant.Id));
        Assert.Equal("OAuth client not found", unknownClient.ServerMessage);
        var unknownApp = await Assert.ThrowsAsync<WachtNotFoundException>(() => client.RevokeOAuthGrantAsync("no-such-app", target.Id, grant.Id));
        Assert.Equal("OAuth app not found", unknownApp.ServerMessage);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task SigningKeys_ListRotateAndCompromise(string deployment)
    {
        await using var world = await World.StartAsync();
        var client = world.Client(deployment);

        var before = await client.ListOAuthAppSigningKeysAsync(World.AppSlug);
        var rotated = await client.RotateOAuthAppSigningKeyAsync(World.AppSlug);
        var afterRotate = await client.ListOAuthAppSigningKeysAsync(World.AppSlug);

        Assert.Contains("PUBLIC KEY", rotated.PublicKeyPem, StringComparison.Ordinal);
        Assert.Contains(afterRotate, k => k.Kid == rotated.Kid && k.Status == "active");
        Assert.Equal(before.Count + 1, afterRotate.Count);

        // As on the platform: a compromised key is no longer listed, and compromising the active key issues a new one.
        await client.CompromiseOAuthAppSigningKeyAsync(World.AppSlug, rotated.Kid);
        var afterCompromise = await client.ListOAuthAppSigningKeysAsync(World.AppSlug);
        Assert.DoesNotContain(afterCompromise, k => k.Kid == rotated.Kid);
        Assert.Single(afterCompromise, k => k.Status == "active");
        Assert.Equal("compromised", world.Emulator.State.GetSigningKeys(deployment, World.AppSlug).Single(k => k.Kid == rotated.Kid).Status);
        await Assert.ThrowsAsync<WachtNotFoundException>(() => client.CompromiseOAuthAppSigningKeyAsync(World.AppSlug, rotated.Kid));

        await Assert.ThrowsAsync<WachtNotFoundException>(() => client.CompromiseOAuthAppSigningKeyAsync(World.AppSlug, "no-such-kid"));
    }

    [Fact]
    public async Task WrongApiKey_IsUnauthorized()
    {
        await using var world = await World.StartAsync(settings =>
            settings[$"Wacht:Deployments:{World.PlatformDeployment}:ApiKey"] = "wk_it_not_the_right_key");

        var error = await Assert.ThrowsAsync<WachtUnauthorizedException>(() => world.Client(World.PlatformDeployment).ListOAuthAppsAsync());

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.False(error.IsTransient);
        Assert.DoesNotContain("wk_it_not_the_right_key", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownDeployment_IsATypedError()
    {
        await using var world = await World.StartAsync();

        var error = Assert.Throws<WachtDeploymentNotConfiguredException>(() => world.Factory.GetClient("1234"));

        Assert.Contains("1234", error.Message, StringComparison.Ordinal);
    }
}
