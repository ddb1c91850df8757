using System.Globalization;

namespace Wacht.Emulator;

/// <summary>
/// Parameters of a generated world. Shares are exact (rounded half away from zero over the whole
/// population, then spread by a seeded shuffle), so a test can assert exact counts.
/// </summary>
public sealed class SeedGeneratorOptions
{
    /// <summary>The default API key pattern; <c>{deployment_id}</c> is replaced by the deployment id.</summary>
    public const string DefaultApiKeyPattern = "wk_emulator_{deployment_id}";

    public int Deployments { get; set; } = 1;

    public int AppsPerDeployment { get; set; } = 3;

    public int ClientsPerApp { get; set; } = 4;

    public int GrantsPerClient { get; set; } = 5;

    /// <summary>Share of all grants that are <c>active</c> with <c>expires_at</c> in the past.</summary>
    public double ExpiredGrantShare { get; set; } = 0.2;

    /// <summary>Share of all grants that are <c>revoked</c> (never also counted as expired).</summary>
    public double RevokedGrantShare { get; set; } = 0.1;

    /// <summary>Share of all clients that are deactivated.</summary>
    public double InactiveClientShare { get; set; } = 0.1;

    /// <summary>Share of all clients whose auth method has no secret (<c>none</c> or <c>private_key_jwt</c>).</summary>
    public double SecretlessAuthShare { get; set; } = 0.2;

    /// <summary>Share of all clients created more than 90 days before <see cref="Now"/> (rotation candidates).</summary>
    public double OldClientShare { get; set; } = 0.5;

    public int RandomSeed { get; set; } = 42;

    /// <summary>The generator's "now" (dates are relative to it); null = the current time. Set it for byte-identical output.</summary>
    public DateTimeOffset? Now { get; set; }

    /// <summary>API key of each deployment; <c>{deployment_id}</c> is replaced.</summary>
    public string ApiKeyPattern { get; set; } = DefaultApiKeyPattern;

    public static string DefaultApiKey(string deploymentId) => DefaultApiKeyPattern.Replace("{deployment_id}", deploymentId, StringComparison.Ordinal);

    internal string ApiKeyFor(long deploymentId) =>
        ApiKeyPattern.Replace("{deployment_id}", deploymentId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    internal void Validate()
    {
        if (Deployments < 0 || AppsPerDeployment < 0 || ClientsPerApp < 0 || GrantsPerClient < 0)
        {
            throw new ArgumentException("generator counts must not be negative");
        }

        foreach (var share in new[] { ExpiredGrantShare, RevokedGrantShare, InactiveClientShare, SecretlessAuthShare, OldClientShare })
        {
            if (share is < 0 or > 1 || double.IsNaN(share))
            {
                throw new ArgumentException("generator shares must be between 0 and 1");
            }
        }

        if (ExpiredGrantShare + RevokedGrantShare > 1)
        {
            throw new ArgumentException("expired and revoked grant shares must not add up to more than 1");
        }
    }
}
