using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wacht.Worker.Grants;

namespace Wacht.Worker.Tests.Grants;

public sealed class GrantAuditOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(GrantAuditOptions options) => new GrantAuditOptionsValidator().Validate(null, options);

    [Fact]
    public void Defaults_AreValid() => Assert.True(Validate(new GrantAuditOptions()).Succeeded);

    [Fact]
    public void RemediationKey_ThatIsNotAKind_IsRejected_NamingTheKeyAndTheKinds()
    {
        var options = new GrantAuditOptions();
        options.Remediation["Expired"] = FindingRemediation.Revoke;
        var failure = Assert.Single(Validate(options).Failures!);
        Assert.Equal(
            "Worker:GrantAudit:Remediation:Expired is not a finding kind; use one of ExpiredButActive, ScopeNotSupported, ScopeArchived, ClientInactive, AppInactive, OlderThanMaxAge",
            failure);
    }

    [Theory]
    [InlineData("MaxGrantAge", "Worker:GrantAudit:MaxGrantAge")]
    [InlineData("MaxRevocationsPerRun", "Worker:GrantAudit:MaxRevocationsPerRun")]
    [InlineData("RepublishAfter", "Worker:GrantAudit:RepublishAfter")]
    [InlineData("MaxParallelism0", "Worker:GrantAudit:MaxParallelism")]
    [InlineData("MaxParallelism65", "Worker:GrantAudit:MaxParallelism")]
    [InlineData("Include", "Worker:GrantAudit:Include:0")]
    [InlineData("Exclude", "Worker:GrantAudit:Exclude:1")]
    public void InvalidSetting_IsRejected_NamingItsKey(string setting, string key)
    {
        var options = new GrantAuditOptions();
        switch (setting)
        {
            case "MaxGrantAge":
                options.MaxGrantAge = TimeSpan.Zero;
                break;
            case "MaxRevocationsPerRun":
                options.MaxRevocationsPerRun = -1;
                break;
            case "RepublishAfter":
                options.RepublishAfter = TimeSpan.FromSeconds(-1);
                break;
            case "MaxParallelism0":
                options.MaxParallelism = 0;
                break;
            case "MaxParallelism65":
                options.MaxParallelism = 65;
                break;
            case "Include":
                options.Include = ["a/b/c/d"];
                break;
            case "Exclude":
                options.Exclude = ["*", "dep//client"];
                break;
        }

        var failure = Assert.Single(Validate(options).Failures!);
        Assert.StartsWith(key + " ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroCapAndZeroRepublishInterval_AreValid() =>
        Assert.True(Validate(new GrantAuditOptions { MaxRevocationsPerRun = 0, RepublishAfter = TimeSpan.Zero, MaxParallelism = 64 }).Succeeded);

    [Fact]
    public void AddWachtGrantAudit_BindsTheSection_AndValidatesIt()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:GrantAudit:Remediation:ExpiredButActive"] = "Revoke",
            ["Worker:GrantAudit:MaxGrantAge"] = "90.00:00:00",
            ["Worker:GrantAudit:MaxParallelism"] = "0",
        }).Build());
        services.AddWachtGrantAudit();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<GrantAuditOptions>>().Value);
        Assert.Contains("Worker:GrantAudit:MaxParallelism", error.Message, StringComparison.Ordinal);
    }
}
