namespace Wacht.Worker.Secrets.AzureKeyVault;

/// <summary>Settings of an <c>azure-key-vault</c> destination (<c>Worker:Secrets:Destinations:{name}</c>).</summary>
public sealed class AzureKeyVaultDestinationOptions
{
    /// <summary>The vault's URI, e.g. <c>https://billing-kv.vault.azure.net/</c>. Required, https.</summary>
    public string? VaultUri { get; set; }

    /// <summary>The secret name template when the route names none. Default <c>wacht-{appSlug}-{oauthClientId}</c>.</summary>
    public string? KeyTemplate { get; set; }

    /// <summary>The client id of a user-assigned managed identity (DefaultAzureCredential). Default: the system-assigned one, or the environment's.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The Microsoft Entra tenant (DefaultAzureCredential). Default: the credential's own.</summary>
    public string? TenantId { get; set; }

    /// <summary>
    /// Accept an authentication challenge whose resource is not the vault's own domain (a custom domain, a proxy).
    /// Default false: the SDK then refuses to send a token to a host outside <c>*.vault.azure.net</c> (and the other clouds' vault domains).
    /// </summary>
    public bool DisableChallengeResourceVerification { get; set; }

    /// <summary>Timeout of one API call (and of each try within it). Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the worker re-reads and writes again when racing writers leave an older version current. Default 5.</summary>
    public int MaxConflictRetries { get; set; } = 5;
}
