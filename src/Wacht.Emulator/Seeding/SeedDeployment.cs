namespace Wacht.Emulator;

public sealed class SeedDeployment
{
    /// <summary>Decimal 64-bit id as a string; generated when omitted.</summary>
    public string? Id { get; set; }

    /// <summary>Only for logs and the test surface.</summary>
    public string? Name { get; set; }

    /// <summary>The backend API key (Bearer); <c>wk_emulator_&lt;id&gt;</c> when omitted.</summary>
    public string? ApiKey { get; set; }

    /// <summary><c>production</c> (default: createOAuthApp requires an fqdn) or e.g. <c>staging</c> (fqdn generated).</summary>
    public string? Mode { get; set; }

    /// <summary>B2B settings: permissions an organization scope mapping may name.</summary>
    public IList<string> OrganizationPermissions { get; set; } = new List<string>();

    /// <summary>B2B settings: permissions a workspace scope mapping may name.</summary>
    public IList<string> WorkspacePermissions { get; set; } = new List<string>();

    public IList<SeedApp> Apps { get; set; } = new List<SeedApp>();
}
