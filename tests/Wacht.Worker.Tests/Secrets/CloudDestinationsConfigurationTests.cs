using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wacht.Worker.Secrets;
using Wacht.Worker.Secrets.Aws;
using Wacht.Worker.Secrets.AzureKeyVault;
using Wacht.Worker.Secrets.Vault;

namespace Wacht.Worker.Tests.Secrets;

/// <summary>The vault, aws-secrets-manager and azure-key-vault kinds as the worker registers and validates them at start.</summary>
public sealed class CloudDestinationsConfigurationTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Worker:Secrets:Destinations:vault:Kind"] = "vault",
        ["Worker:Secrets:Destinations:vault:Address"] = "https://vault.example.com:8200",
        ["Worker:Secrets:Destinations:vault:Auth:TokenEnvironmentVariable"] = "PATH", // set everywhere; never sent here
        ["Worker:Secrets:Destinations:aws:Kind"] = "aws-secrets-manager",
        ["Worker:Secrets:Destinations:aws:Region"] = "eu-central-1",
        ["Worker:Secrets:Destinations:kv:Kind"] = "azure-key-vault",
        ["Worker:Secrets:Destinations:kv:VaultUri"] = "https://billing-kv.vault.azure.net/",
        ["Worker:Secrets:Routes:0:Match"] = "*/billing-*",
        ["Worker:Secrets:Routes:0:Destination"] = "kv",
        ["Worker:Secrets:Routes:1:Match"] = "*/payments-*",
        ["Worker:Secrets:Routes:1:Destination"] = "aws",
        ["Worker:Secrets:Routes:1:KeyTemplate"] = "apps/{appSlug}/{clientId}",
        ["Worker:Secrets:Routes:2:Match"] = "*/*/*",
        ["Worker:Secrets:Routes:2:Destination"] = "vault",
    };

    [Fact]
    public void ThreeKinds_AreRegistered_Validated_AndRouted()
    {
        using var provider = Provider(Valid);

        _ = provider.GetRequiredService<IOptions<SecretDestinationOptions>>().Value;
        var router = provider.GetRequiredService<SecretRouter>();
        var billing = router.Resolve(new SecretTarget("7283910238471", "billing-api", "7283910238471000001", "oc_Y2xpZW50LTQy"))!;
        var payments = router.Resolve(new SecretTarget("7283910238471", "payments-api", "7283910238471000002", "oc_cGF5"))!;
        var other = router.Resolve(new SecretTarget("7283910238471", "crm", "7283910238471000003", "oc_Y3Jt"))!;

        Assert.IsType<AzureKeyVaultDestination>(billing.Destination);
        Assert.Equal("wacht-billing-api-7283910238471000001", billing.Key);
        Assert.IsType<AwsSecretsManagerDestination>(payments.Destination);
        Assert.Equal("apps/payments-api/oc_cGF5", payments.Key);
        Assert.IsType<VaultSecretDestination>(other.Destination);
        Assert.Equal("secret/wacht/7283910238471/crm/7283910238471000003", other.Key);
    }

    [Theory]
    [InlineData("Worker:Secrets:Destinations:vault:Address", "", "Worker:Secrets:Destinations:vault:Address: must be Vault's http(s) address")]
    [InlineData("Worker:Secrets:Destinations:vault:Auth:Method", "userpass", "Worker:Secrets:Destinations:vault:Auth:Method: must be token, approle or kubernetes")]
    [InlineData("Worker:Secrets:Destinations:aws:Region", "Frankfurt", "Worker:Secrets:Destinations:aws:Region: not an AWS region name")]
    [InlineData("Worker:Secrets:Destinations:kv:VaultUri", "billing-kv", "Worker:Secrets:Destinations:kv:VaultUri: must be the vault's https URI")]
    [InlineData("Worker:Secrets:Routes:0:KeyTemplate", "wacht-{clientId}", "Worker:Secrets:Routes:0:KeyTemplate: not usable with destination 'kv'")]
    [InlineData("Worker:Secrets:Routes:2:KeyTemplate", "../{clientId}", "Worker:Secrets:Routes:2:KeyTemplate: not usable with destination 'vault'")]
    public void BadSetting_StopsTheStart_NamingTheKey(string key, string value, string expectedStart)
    {
        using var provider = Provider(new Dictionary<string, string?>(Valid) { [key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SecretDestinationOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.StartsWith(expectedStart, StringComparison.Ordinal));
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddWachtSecretDestinations();
        return services.BuildServiceProvider();
    }
}
