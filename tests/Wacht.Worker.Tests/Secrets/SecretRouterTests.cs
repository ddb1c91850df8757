using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Wacht.Worker.Secrets;
using Wacht.Worker.Secrets.Files;
using Wacht.Worker.Secrets.Reload;

namespace Wacht.Worker.Tests.Secrets;

/// <summary>The routing table: first match wins, the client segment matches the record id or the client_id, no match is null.</summary>
public sealed class SecretRouterTests
{
    private const string Dep = "7283910238471";
    private const string OtherDep = "5550001112223";

    private static readonly Dictionary<string, string?> Table = new()
    {
        ["Worker:Secrets:Destinations:apps:Kind"] = "file",
        ["Worker:Secrets:Destinations:apps:Directory"] = "/srv/apps",
        ["Worker:Secrets:Destinations:Billing-Files:Kind"] = "FILE",
        ["Worker:Secrets:Destinations:Billing-Files:Directory"] = "/srv/billing",
        ["Worker:Secrets:Routes:0:Name"] = "pinned-client",
        ["Worker:Secrets:Routes:0:Match"] = "*/*/oc_pinned*",
        ["Worker:Secrets:Routes:0:Destination"] = "apps",
        ["Worker:Secrets:Routes:0:KeyTemplate"] = "pinned/{clientId}.json",
        ["Worker:Secrets:Routes:1:Match"] = $"{Dep}/billing-*",
        ["Worker:Secrets:Routes:1:Destination"] = "billing-files",
        ["Worker:Secrets:Routes:1:KeyTemplate"] = "{appSlug}/{oauthClientId}.json",
        ["Worker:Secrets:Routes:1:Reload:0:Kind"] = "webhook",
        ["Worker:Secrets:Routes:1:Reload:0:Url"] = "https://billing.example.com/reload",
        ["Worker:Secrets:Routes:1:Reload:0:SigningKey"] = "shared-key-of-the-routing-test",
        ["Worker:Secrets:Routes:2:Name"] = "record-id",
        ["Worker:Secrets:Routes:2:Match"] = "*/*/7283910238471000009",
        ["Worker:Secrets:Routes:2:Destination"] = "apps",
        ["Worker:Secrets:Routes:3:Name"] = "deployment",
        ["Worker:Secrets:Routes:3:Match"] = Dep,
        ["Worker:Secrets:Routes:3:Destination"] = "apps",
    };

    [Theory]
    [InlineData(Dep, "billing-api", "7283910238471000001", "oc_pinned_1", "pinned-client", 0, "apps", "pinned/oc_pinned_1.json")]
    [InlineData(OtherDep, "anything", "5550001112223000001", "oc_pinned_2", "pinned-client", 0, "apps", "pinned/oc_pinned_2.json")]
    [InlineData(Dep, "billing-api", "7283910238471000002", "oc_other", "Routes:1", 1, "Billing-Files", "billing-api/7283910238471000002.json")]
    [InlineData(Dep, "billing-eu", "7283910238471000009", "oc_other", "Routes:1", 1, "Billing-Files", "billing-eu/7283910238471000009.json")]
    [InlineData(OtherDep, "billing-api", "7283910238471000009", "oc_other", "record-id", 2, "apps", $"{OtherDep}/billing-api/oc_other.json")]
    [InlineData(Dep, "analytics-api", "7283910238471000003", "oc_x", "deployment", 3, "apps", $"{Dep}/analytics-api/oc_x.json")]
    public void Resolve_FirstMatchingRuleWins(string deployment, string app, string recordId, string clientId, string route, int index, string destination, string key)
    {
        var router = Build(Table);

        var resolved = router.Resolve(new SecretTarget(deployment, app, recordId, clientId));

        Assert.NotNull(resolved);
        Assert.Equal(route, resolved.Name);
        Assert.Equal(index, resolved.Index);
        Assert.Equal(destination, resolved.Destination.Name);
        Assert.Equal(key, resolved.Key);
    }

    [Fact]
    public void Resolve_NoRuleMatches_IsNull()
    {
        var router = Build(Table);

        Assert.Null(router.Resolve(new SecretTarget(OtherDep, "analytics-api", "5550001112223000001", "oc_x")));
    }

    [Fact]
    public void Resolve_CarriesTheRoutesReloadActions()
    {
        var router = Build(Table);

        var route = router.Resolve(new SecretTarget(Dep, "billing-api", "7283910238471000002", "oc_x"))!;

        var action = Assert.Single(route.Reload);
        Assert.Equal(ReloadActionOptions.Webhook, action.Kind);
        Assert.Equal("https://billing.example.com/reload", action.Url);
        Assert.Empty(router.Resolve(new SecretTarget(Dep, "analytics-api", "7283910238471000003", "oc_x"))!.Reload);
    }

    [Fact]
    public void Resolve_MatchingRuleWhoseDestinationCannotStoreTheTarget_Throws()
    {
        var router = Build(Table);

        var ex = Assert.Throws<SecretKeyException>(() => router.Resolve(new SecretTarget(Dep, "v1..beta", "7283910238471000003", "oc_x")));

        Assert.Contains("v1..beta", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Legacy_NoDestinations_IsOneDefaultRouteToTheFileDestination()
    {
        var router = Build(new() { ["Worker:Secrets:Destination"] = "File", ["Worker:Secrets:File:Directory"] = "/srv/legacy" });

        var route = router.Resolve(new SecretTarget(Dep, "billing-api", "7283910238471000002", "oc_x"))!;

        Assert.Equal("default", route.Name);
        Assert.Equal(0, route.Index);
        Assert.Equal("file", route.Destination.Name);
        Assert.Equal("file", route.Destination.Kind);
        Assert.Equal("/srv/legacy", Assert.IsType<FileSecretDestination>(route.Destination).RootDirectory);
        Assert.Equal($"{Dep}/billing-api/oc_x.json", route.Key);
        Assert.Empty(route.Reload);
    }

    [Fact]
    public void Legacy_Defaults_AreTheSecretsDirectory()
    {
        var route = Build([]).Resolve(new SecretTarget(OtherDep, "a", "1", "oc_y"))!;

        Assert.Equal(Path.GetFullPath("secrets"), Assert.IsType<FileSecretDestination>(route.Destination).RootDirectory);
    }

    [Fact]
    public void Legacy_TheFileDestination_IsConfiguredUnderItsName()
    {
        using var provider = Provider(new() { ["Worker:Secrets:File:Directory"] = "/srv/legacy" });

        var destination = Assert.IsType<FileSecretDestination>(provider.GetRequiredService<SecretDestinations>().Find("FILE"));

        Assert.Equal("/srv/legacy", destination.RootDirectory);
    }

    private static SecretRouter Build(Dictionary<string, string?> settings) => Provider(settings).GetRequiredService<SecretRouter>();

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddWachtSecretDestinations();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
