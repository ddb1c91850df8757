using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Secrets.AzureKeyVault;

/// <summary>The <c>azure-key-vault</c> kind; settings: <see cref="AzureKeyVaultDestinationOptions"/>.</summary>
internal sealed class AzureKeyVaultDestinationKind : ISecretDestinationKind
{
    public string Kind => AzureKeyVaultDestination.KindName;

    public IEnumerable<string> Validate(string path, IConfigurationSection section)
    {
        AzureKeyVaultDestinationOptions options;
        try
        {
            options = Bind(section);
        }
        catch (InvalidOperationException ex)
        {
            return [$"{path}: {ex.Message}"];
        }

        var failures = new List<string>();
        if (!Uri.TryCreate(options.VaultUri, UriKind.Absolute, out var uri) || uri.Scheme != "https")
        {
            failures.Add($"{path}:VaultUri: must be the vault's https URI, e.g. https://billing-kv.vault.azure.net/, got '{options.VaultUri}'");
        }
        else if (!string.IsNullOrEmpty(uri.UserInfo) || uri.Query.Length > 0 || uri.AbsolutePath != "/")
        {
            failures.Add($"{path}:VaultUri: must be scheme and host only (no path, query or credentials)");
        }

        if (options.ManagedIdentityClientId is not null && !Guid.TryParse(options.ManagedIdentityClientId, out _))
        {
            failures.Add($"{path}:ManagedIdentityClientId: must be the identity's client id (a GUID), got '{options.ManagedIdentityClientId}'");
        }

        if (options.TenantId is not null && !Guid.TryParse(options.TenantId, out _) && !options.TenantId.Contains('.', StringComparison.Ordinal))
        {
            failures.Add($"{path}:TenantId: must be a tenant id (GUID) or domain, got '{options.TenantId}'");
        }

        if (options.KeyTemplate is not null && SecretKeyTemplate.Validate(options.KeyTemplate) is { } badTemplate)
        {
            failures.Add($"{path}:KeyTemplate: '{options.KeyTemplate}' {badTemplate}");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{path}:RequestTimeout: must be positive (e.g. 00:00:10)");
        }

        if (options.MaxConflictRetries is < 1 or > 20)
        {
            failures.Add($"{path}:MaxConflictRetries: must be between 1 and 20, got {options.MaxConflictRetries}");
        }

        return failures;
    }

    public ISecretDestination Create(string name, IConfigurationSection section, IServiceProvider services)
    {
        var options = Bind(section);

        // DefaultAzureCredential resolves lazily: no call to Entra ID or the vault here.
        return new AzureKeyVaultDestination(name, options, AzureKeyVaultConnection.Create(options), services.GetService<ILogger<AzureKeyVaultDestination>>());
    }

    internal static AzureKeyVaultDestinationOptions Bind(IConfigurationSection section)
    {
        var options = new AzureKeyVaultDestinationOptions();
        section.Bind(options);
        return options;
    }
}
