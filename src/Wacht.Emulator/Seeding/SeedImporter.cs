using System.Globalization;

namespace Wacht.Emulator;

/// <summary>Turns an <see cref="EmulatorSeed"/> into the in-memory model (validating it).</summary>
internal static class SeedImporter
{
    public static StateData Build(EmulatorSeed seed, EmulatorState state)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var data = new StateData();
        var now = state.Now;

        // Seeded ids first, so generated ids never collide with an id that appears later in the seed.
        var seenIds = new HashSet<long>();
        foreach (var id in ExplicitIds(seed))
        {
            data.Ids.Observe(id);
        }

        foreach (var seedDeployment in seed.Deployments)
        {
            var id = ParseId(seedDeployment.Id, "deployment id") ?? data.Ids.Next();
            var deployment = new DeploymentState(id, string.IsNullOrWhiteSpace(seedDeployment.ApiKey)
                ? SeedGeneratorOptions.DefaultApiKey(id.ToString(CultureInfo.InvariantCulture))
                : seedDeployment.ApiKey)
            {
                Name = seedDeployment.Name,
                Mode = string.IsNullOrWhiteSpace(seedDeployment.Mode) ? "production" : seedDeployment.Mode.Trim().ToLowerInvariant(),
            };
            deployment.OrganizationPermissions.UnionWith(seedDeployment.OrganizationPermissions.Select(p => p.Trim()));
            deployment.WorkspacePermissions.UnionWith(seedDeployment.WorkspacePermissions.Select(p => p.Trim()));
            data.AddDeployment(deployment);

            foreach (var seedApp in seedDeployment.Apps)
            {
                var context = $"deployment {deployment.IdText}, app '{seedApp.Slug}'";
                try
                {
                    ImportApp(data, deployment, seedApp, now, seenIds, state.SigningKeyAlgorithm);
                }
                catch (EmulatorApiException ex)
                {
                    throw new InvalidDataException($"invalid seed ({context}): {ex.Message}", ex);
                }
            }
        }

        return data;
    }

    private static void ImportApp(
        StateData data,
        DeploymentState deployment,
        SeedApp seedApp,
        DateTimeOffset now,
        HashSet<long> seenIds,
        string signingKeyAlgorithm)
    {
        var slug = seedApp.Slug?.Trim() ?? "";
        if (slug.Length == 0)
        {
            throw new InvalidDataException($"invalid seed: an app of deployment {deployment.IdText} has no slug");
        }

        if (deployment.AppsBySlug.ContainsKey(slug))
        {
            throw new InvalidDataException($"invalid seed: duplicate app slug '{slug}' in deployment {deployment.IdText}");
        }

        var supported = ScopeRules.NormalizeSupportedScopes(seedApp.SupportedScopes);
        var inputs = seedApp.ScopeDefinitions.Select(d => new WireScopeDefinitionInput
        {
            Scope = d.Scope,
            DisplayName = d.DisplayName,
            Description = d.Description,
            Archived = d.Archived,
            Category = d.Category,
            OrganizationPermission = d.OrganizationPermission,
            WorkspacePermission = d.WorkspacePermission,
        });
        var createdAt = Timestamps.Truncate(seedApp.CreatedAt ?? now);
        var app = new AppRecord
        {
            Id = Unique(seenIds, ParseId(seedApp.Id, "app id") ?? data.Ids.Next(), "app id"),
            Slug = slug,
            Name = seedApp.Name,
            Description = seedApp.Description,
            LogoUrl = seedApp.LogoUrl,
            Fqdn = string.IsNullOrWhiteSpace(seedApp.Fqdn) ? $"{slug}.oauth.example.com" : seedApp.Fqdn.Trim().ToLowerInvariant(),
            SupportedScopes = supported,
            ScopeDefinitions = ScopeRules.BuildDefinitions(supported, inputs, null),
            AllowDynamicClientRegistration = seedApp.AllowDynamicClientRegistration,
            IsActive = seedApp.IsActive,
            CreatedAt = createdAt,
            UpdatedAt = Timestamps.Truncate(seedApp.UpdatedAt ?? createdAt),
            CnameTarget = seedApp.DomainVerification?.CnameTarget ?? "oauth.wacht.services",
            DomainVerified = seedApp.DomainVerification?.Verified ?? !string.Equals(deployment.Mode, "production", StringComparison.Ordinal),
        };

        if (seedApp.SigningKeys.Count > 0)
        {
            app.SigningKeys = ImportSigningKeys(data, app, seedApp.SigningKeys, signingKeyAlgorithm);
        }

        deployment.Apps.Add(app);
        deployment.AppsBySlug.Add(slug, app);

        foreach (var seedClient in seedApp.Clients)
        {
            ImportClient(data, deployment, app, seedClient, now, seenIds);
        }
    }

    private static List<SigningKeyRecord> ImportSigningKeys(StateData data, AppRecord app, IList<SeedSigningKey> seedKeys, string signingKeyAlgorithm)
    {
        var keys = new List<SigningKeyRecord>(seedKeys.Count);
        foreach (var k in seedKeys)
        {
            var algorithm = k.Algorithm ?? signingKeyAlgorithm;
            if (!SigningKeys.IsSupported(algorithm))
            {
                throw new InvalidDataException($"invalid seed: app '{app.Slug}': unsupported signing key algorithm '{algorithm}'");
            }

            if (!SigningKeys.Statuses.Contains(k.Status))
            {
                throw new InvalidDataException($"invalid seed: app '{app.Slug}': signing key status must be active, retired or compromised, not '{k.Status}'");
            }

            var kid = k.Kid ?? SigningKeys.PlatformKid(app.Id, data.Ids.Next());
            if (keys.Exists(existing => existing.Kid == kid))
            {
                throw new InvalidDataException($"invalid seed: app '{app.Slug}': duplicate signing key kid '{kid}'");
            }

            var createdAt = Timestamps.Truncate(k.CreatedAt ?? app.CreatedAt);
            keys.Add(new SigningKeyRecord
            {
                Kid = kid,
                Algorithm = algorithm,
                Status = k.Status,
                PublicKeyPem = k.PublicKeyPem ?? SigningKeys.NewPublicKeyPem(algorithm),
                CreatedAt = createdAt,
                RetiredAt = k.Status == SigningKeys.Active ? null : Timestamps.Truncate(k.RetiredAt ?? createdAt),
            });
        }

        return keys.Count(key => key.Status == SigningKeys.Active) > 1
            ? throw new InvalidDataException($"invalid seed: app '{app.Slug}': more than one active signing key")
            : keys;
    }

    private static void ImportClient(
        StateData data,
        DeploymentState deployment,
        AppRecord app,
        SeedClient seedClient,
        DateTimeOffset now,
        HashSet<long> seenIds)
    {
        var method = seedClient.ClientAuthMethod;
        if (!ClientSecrets.AuthMethods.Contains(method))
        {
            throw new InvalidDataException($"invalid seed: app '{app.Slug}': unsupported client_auth_method '{method}'");
        }

        if (seedClient.ClientSecret is not null && !ClientSecrets.UsesSecret(method))
        {
            throw new InvalidDataException($"invalid seed: app '{app.Slug}': a {method} client cannot have a client_secret");
        }

        var createdAt = Timestamps.Truncate(seedClient.CreatedAt ?? now);
        var client = new ClientRecord
        {
            Id = Unique(seenIds, ParseId(seedClient.Id, "client id") ?? data.Ids.Next(), "client id"),
            App = app,
            Deployment = deployment,
            ClientId = seedClient.ClientId ?? ClientSecrets.NewClientId(),
            ClientAuthMethod = method,
            GrantTypes = [.. (IEnumerable<string>?)seedClient.GrantTypes ?? ClientDefaults.GrantTypes],
            RedirectUris = [.. seedClient.RedirectUris],
            ClientName = seedClient.ClientName,
            ClientUri = seedClient.ClientUri,
            LogoUri = seedClient.LogoUri,
            TosUri = seedClient.TosUri,
            PolicyUri = seedClient.PolicyUri,
            Contacts = [.. seedClient.Contacts],
            SoftwareId = seedClient.SoftwareId,
            SoftwareVersion = seedClient.SoftwareVersion,
            TokenEndpointAuthSigningAlg = seedClient.TokenEndpointAuthSigningAlg,
            JwksUri = seedClient.JwksUri,
            Jwks = seedClient.Jwks?.Clone(),
            PublicKeyPem = seedClient.PublicKeyPem,
            IsActive = seedClient.IsActive,
            PostLogoutRedirectUris = [.. seedClient.PostLogoutRedirectUris],
            IdTokenSigningAlg = seedClient.IdTokenSigningAlg ?? ClientDefaults.IdTokenSigningAlg,
            AccessTokenFormat = seedClient.AccessTokenFormat ?? ClientDefaults.AccessTokenFormat,
            AccessTokenTtlSeconds = seedClient.AccessTokenTtlSeconds ?? ClientDefaults.AccessTokenTtlSeconds,
            SkipConsent = seedClient.SkipConsent,
            CreatedAt = createdAt,
            UpdatedAt = Timestamps.Truncate(seedClient.UpdatedAt ?? createdAt),
        };

        // A secret-using client without a known secret gets a random one that nobody knows.
        client.SetSecret(!ClientSecrets.UsesSecret(method) ? null : seedClient.ClientSecret ?? ClientSecrets.NewSecret());

        if (!data.ClientsByPublicId.TryAdd(client.ClientId, client))
        {
            throw new InvalidDataException($"invalid seed: duplicate client_id '{client.ClientId}'");
        }

        app.Clients.Add(client);
        app.ClientsById.Add(client.Id, client);

        foreach (var seedGrant in seedClient.Grants)
        {
            var status = seedGrant.Status;
            if (status is not ("active" or "revoked"))
            {
                throw new InvalidDataException($"invalid seed: grant status must be active or revoked, not '{status}'");
            }

            var grantedAt = Timestamps.Truncate(seedGrant.GrantedAt ?? createdAt);
            var revokedAt = seedGrant.RevokedAt is { } r ? Timestamps.Truncate(r) : status == "revoked" ? grantedAt : (DateTimeOffset?)null;
            var grantCreatedAt = Timestamps.Truncate(seedGrant.CreatedAt ?? grantedAt);
            var grant = new GrantRecord
            {
                Id = Unique(seenIds, ParseId(seedGrant.Id, "grant id") ?? data.Ids.Next(), "grant id"),
                ApiAuthAppSlug = app.Slug,
                OauthClientId = client.Id,
                Resource = seedGrant.Resource,
                Scopes = [.. seedGrant.Scopes],
                Status = status,
                GrantedAt = grantedAt,
                ExpiresAt = seedGrant.ExpiresAt is { } e ? Timestamps.Truncate(e) : null,
                RevokedAt = revokedAt,
                GrantedByUserId = ParseId(seedGrant.GrantedByUserId, "granted_by_user_id"),
                CreatedAt = grantCreatedAt,
                UpdatedAt = Timestamps.Truncate(seedGrant.UpdatedAt ?? revokedAt ?? grantCreatedAt),
            };
            client.Grants.Add(grant);
            client.GrantsById.Add(grant.Id, grant);
        }

        // Listed newest first (ORDER BY created_at DESC, id DESC).
        client.Grants.Sort(static (a, b) =>
        {
            var byTime = b.CreatedAt.CompareTo(a.CreatedAt);
            return byTime != 0 ? byTime : b.Id.CompareTo(a.Id);
        });
    }

    private static IEnumerable<long> ExplicitIds(EmulatorSeed seed)
    {
        foreach (var deployment in seed.Deployments)
        {
            if (ParseId(deployment.Id, "deployment id") is { } d)
            {
                yield return d;
            }

            foreach (var app in deployment.Apps)
            {
                if (ParseId(app.Id, "app id") is { } a)
                {
                    yield return a;
                }

                foreach (var client in app.Clients)
                {
                    if (ParseId(client.Id, "client id") is { } c)
                    {
                        yield return c;
                    }

                    foreach (var grant in client.Grants)
                    {
                        if (ParseId(grant.Id, "grant id") is { } g)
                        {
                            yield return g;
                        }
                    }
                }
            }
        }
    }

    private static long? ParseId(string? text, string what)
    {
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw new InvalidDataException($"invalid seed: {what} '{text}' is not a positive 64-bit integer");
    }

    private static long Unique(HashSet<long> seen, long id, string what) =>
        seen.Add(id) ? id : throw new InvalidDataException($"invalid seed: duplicate {what} {id}");
}
