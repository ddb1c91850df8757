namespace Wacht.Client;

/// <summary>
/// The <c>Wacht</c> configuration section: one entry per deployment, keyed by the decimal 64-bit deployment id,
/// e.g. <c>Wacht:Deployments:7283910238471:ApiKeyFile</c>.
/// </summary>
public sealed class WachtOptions
{
    /// <summary>The default configuration section.</summary>
    public const string DefaultSectionName = "Wacht";

    /// <summary>Deployments by deployment id.</summary>
    public Dictionary<string, WachtDeploymentOptions> Deployments { get; } = new(StringComparer.Ordinal);
}
