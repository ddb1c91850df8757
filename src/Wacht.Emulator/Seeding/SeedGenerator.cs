using System.Globalization;

namespace Wacht.Emulator;

/// <summary>
/// Generates a seed from <see cref="SeedGeneratorOptions"/>: deterministic for a given
/// <see cref="SeedGeneratorOptions.RandomSeed"/> and <see cref="SeedGeneratorOptions.Now"/>, and fast
/// (plain loops, one shuffle per population).
/// </summary>
public static class SeedGenerator
{
    /// <summary>The first generated deployment id (above 2^53, like every id).</summary>
    public const long FirstDeploymentId = 7_283_910_238_470_000_001;

    private static readonly string[] AppWords =
        ["analytics", "billing", "crm", "reports", "partner", "inventory", "support", "payroll", "search", "notify"];

    private static readonly string[] SecretAuthMethods = ["client_secret_basic", "client_secret_post", "client_secret_jwt"];

    public static EmulatorSeed Generate(SeedGeneratorOptions options) => Generate(options, TimeProvider.System);

    /// <summary>Generates with <paramref name="clock"/> as "now" unless <see cref="SeedGeneratorOptions.Now"/> is set.</summary>
    public static EmulatorSeed Generate(SeedGeneratorOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        options.Validate();
        var random = new Random(options.RandomSeed);
        var now = Timestamps.Truncate(options.Now ?? clock.GetUtcNow());
        var nextId = IdGenerator.Start;

        var clientTotal = options.Deployments * options.AppsPerDeployment * options.ClientsPerApp;
        var grantTotal = clientTotal * options.GrantsPerClient;
        var inactiveClients = Pick(random, clientTotal, Share(clientTotal, options.InactiveClientShare));
        var secretlessClients = Pick(random, clientTotal, Share(clientTotal, options.SecretlessAuthShare));
        var oldClients = Pick(random, clientTotal, Share(clientTotal, options.OldClientShare));
        var grantKinds = new byte[grantTotal]; // 0 = live, 1 = expired-but-active, 2 = revoked
        var shuffled = Shuffle(random, grantTotal);
        var expired = Share(grantTotal, options.ExpiredGrantShare);
        var revoked = Math.Min(Share(grantTotal, options.RevokedGrantShare), grantTotal - expired);
        for (var i = 0; i < expired + revoked; i++)
        {
            grantKinds[shuffled[i]] = i < expired ? (byte)1 : (byte)2;
        }

        var seed = new EmulatorSeed();
        var clientIndex = 0;
        var grantIndex = 0;
        for (var d = 0; d < options.Deployments; d++)
        {
            var deploymentId = FirstDeploymentId + d;
            var deployment = new SeedDeployment
            {
                Id = Text(deploymentId),
                Name = $"generated-{d + 1}",
                ApiKey = options.ApiKeyFor(deploymentId),
                Mode = "production",
                OrganizationPermissions = ["org:read", "org:write", "org:admin", "billing:read", "billing:manage"],
                WorkspacePermissions = ["workspace:read", "workspace:write", "workspace:admin"],
            };
            seed.Deployments.Add(deployment);

            for (var a = 0; a < options.AppsPerDeployment; a++)
            {
                var word = AppWords[a % AppWords.Length];
                var slug = $"{word}-{a + 1}";
                string[] scopes = ["read", "write", $"{word}:read", $"{word}:write", $"{word}:admin"];
                var appCreated = now.AddDays(-random.Next(400, 900)).AddSeconds(-random.Next(86_400));
                var app = new SeedApp
                {
                    Id = Text(nextId++),
                    Slug = slug,
                    Name = $"{char.ToUpperInvariant(word[0])}{word[1..]} API {a + 1}",
                    Description = $"Generated {word} application",
                    Fqdn = $"{slug}.d{d + 1}.oauth.example.com",
                    SupportedScopes = scopes,
                    ScopeDefinitions =
                    [
                        new SeedScopeDefinition { Scope = $"{word}:read", Category = "organization", OrganizationPermission = "org:read" },
                        new SeedScopeDefinition { Scope = $"{word}:write", Category = "workspace", WorkspacePermission = "workspace:write" },
                        new SeedScopeDefinition { Scope = $"{word}:admin", Archived = a % 2 == 1 },
                    ],
                    IsActive = true,
                    CreatedAt = appCreated,
                };
                deployment.Apps.Add(app);

                for (var c = 0; c < options.ClientsPerApp; c++, clientIndex++)
                {
                    var secretless = secretlessClients[clientIndex];
                    var method = secretless
                        ? (clientIndex % 2 == 0 ? "none" : "private_key_jwt")
                        : SecretAuthMethods[random.Next(SecretAuthMethods.Length)];
                    var clientCreated = oldClients[clientIndex]
                        ? now.AddDays(-random.Next(91, 400)).AddSeconds(-random.Next(86_400))
                        : now.AddDays(-random.Next(1, 90)).AddSeconds(-random.Next(86_400));
                    var client = new SeedClient
                    {
                        Id = Text(nextId++),
                        ClientId = ClientSecrets.NewClientId(random),
                        ClientAuthMethod = method,
                        RedirectUris = [$"https://{slug}.example.com/callback/{c + 1}"],
                        ClientName = $"{app.Name} client {c + 1}",
                        JwksUri = method == "private_key_jwt" ? $"https://{slug}.example.com/clients/{c + 1}/jwks.json" : null,
                        IsActive = !inactiveClients[clientIndex],
                        CreatedAt = clientCreated,
                        UpdatedAt = clientCreated,
                    };
                    app.Clients.Add(client);

                    var span = (now - clientCreated).Ticks;
                    for (var g = 0; g < options.GrantsPerClient; g++, grantIndex++)
                    {
                        var grantedAt = clientCreated.AddTicks((long)(random.NextDouble() * span));
                        var left = (now - grantedAt).Ticks;
                        DateTimeOffset? expiresAt;
                        DateTimeOffset? revokedAt = null;
                        var status = "active";
                        switch (grantKinds[grantIndex])
                        {
                            case 1:
                                // Expired but still "active": expiry is only a timestamp on the platform.
                                expiresAt = grantedAt.AddTicks(1 + (long)(random.NextDouble() * Math.Max(1, left - 1)));
                                if (expiresAt >= now)
                                {
                                    expiresAt = now.AddSeconds(-1);
                                }

                                break;
                            case 2:
                                status = "revoked";
                                revokedAt = grantedAt.AddTicks((long)(random.NextDouble() * left));
                                expiresAt = random.Next(4) == 0 ? null : now.AddDays(random.Next(1, 365));
                                break;
                            default:
                                expiresAt = random.Next(4) == 0 ? null : now.AddDays(random.Next(1, 365));
                                break;
                        }

                        client.Grants.Add(new SeedGrant
                        {
                            Id = Text(nextId++),
                            Resource = Resource(random),
                            Scopes = PickScopes(random, scopes),
                            Status = status,
                            GrantedAt = grantedAt,
                            ExpiresAt = expiresAt,
                            RevokedAt = revokedAt,
                            GrantedByUserId = random.Next(10) == 0 ? null : Text(7_283_910_000_000_000_000 + random.Next(1, 1_000_000)),
                        });
                    }
                }
            }
        }

        return seed;
    }

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static int Share(int total, double share) => (int)Math.Round(total * share, MidpointRounding.AwayFromZero);

    private static int[] Shuffle(Random random, int count)
    {
        var items = new int[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = i;
        }

        random.Shuffle(items);
        return items;
    }

    private static bool[] Pick(Random random, int total, int count)
    {
        var picked = new bool[total];
        var order = Shuffle(random, total);
        for (var i = 0; i < count; i++)
        {
            picked[order[i]] = true;
        }

        return picked;
    }

    private static string Resource(Random random) => random.Next(3) switch
    {
        0 => $"urn:wacht:organization:{random.Next(1_000, 100_000)}",
        1 => $"urn:wacht:workspace:{random.Next(1_000, 100_000)}",
        _ => $"urn:wacht:user:{random.Next(1_000, 100_000)}",
    };

    private static List<string> PickScopes(Random random, string[] scopes)
    {
        var count = random.Next(1, 4);
        var start = random.Next(scopes.Length);
        var result = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            result.Add(scopes[(start + i) % scopes.Length]);
        }

        return result;
    }
}
