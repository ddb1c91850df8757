namespace Wacht.Emulator;

/// <summary>One deployment: its API key, B2B permissions and OAuth apps. Guarded by <see cref="Gate"/>.</summary>
internal sealed class DeploymentState
{
    public DeploymentState(long id, string apiKey)
    {
        Id = id;
        IdText = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ApiKey = apiKey;
    }

    public long Id { get; }

    public string IdText { get; }

    public string ApiKey { get; }

    public string? Name { get; init; }

    /// <summary><c>production</c> (fqdn required) or anything else (fqdn generated), as on the platform.</summary>
    public string Mode { get; init; } = "production";

    public HashSet<string> OrganizationPermissions { get; } = new(StringComparer.Ordinal);

    public HashSet<string> WorkspacePermissions { get; } = new(StringComparer.Ordinal);

    public Lock Gate { get; } = new();

    /// <summary>Apps in creation order.</summary>
    public List<AppRecord> Apps { get; } = [];

    public Dictionary<string, AppRecord> AppsBySlug { get; } = new(StringComparer.Ordinal);

    public AppRecord RequireApp(string slug) =>
        AppsBySlug.TryGetValue(slug, out var app) ? app : throw EmulatorApiException.NotFound("OAuth app not found");
}
