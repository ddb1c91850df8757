using Microsoft.Extensions.DependencyInjection;
using Wacht.Client.Tests.Support;

namespace Wacht.Client.Tests;

public sealed class FactoryTests
{
    [Fact]
    public async Task Unknown_deployment_is_a_typed_error_naming_it_and_the_configured_ones()
    {
        await using var host = WachtTestHost.Create(new StubHttpHandler());

        var error = Assert.Throws<WachtDeploymentNotConfiguredException>(() => host.Factory.GetClient("1234"));

        Assert.Equal("1234", error.DeploymentId);
        Assert.Equal([WachtTestHost.DeploymentId], error.ConfiguredDeploymentIds);
        Assert.Contains("'1234'", error.Message, StringComparison.Ordinal);
        Assert.Contains(WachtTestHost.DeploymentId, error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.IsAssignableFrom<WachtConfigurationException>(error);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(null)]
    public async Task Blank_deployment_id_is_an_argument_error(string? id)
    {
        await using var host = WachtTestHost.Create(new StubHttpHandler());

        Assert.ThrowsAny<ArgumentException>(() => host.Factory.GetClient(id!));
    }

    [Fact]
    public async Task The_same_client_is_returned_for_a_deployment_and_ids_are_listed()
    {
        var settings = WachtTestHost.DefaultSettings();
        foreach (var (key, value) in WachtTestHost.DefaultSettings(WachtTestHost.OtherDeploymentId, WachtTestHost.OtherApiKey))
        {
            settings[key] = value;
        }

        await using var host = WachtTestHost.Create(new StubHttpHandler(), settings);

        Assert.Same(host.Factory.GetClient(WachtTestHost.DeploymentId), host.Factory.GetClient(WachtTestHost.DeploymentId));
        Assert.Equal(WachtTestHost.OtherDeploymentId, host.Factory.GetClient(WachtTestHost.OtherDeploymentId).DeploymentId);
        Assert.Equal([WachtTestHost.DeploymentId, WachtTestHost.OtherDeploymentId], host.Factory.DeploymentIds);
    }

    [Fact]
    public async Task Registering_twice_adds_no_second_set_of_handlers()
    {
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.Apps());
        var services = WachtTestHost.BuildServices(WachtTestHost.DefaultSettings());
        services.AddWachtClient();
        services.AddWachtClient()
            .ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IWachtClientFactory>();

        await factory.GetClient(WachtTestHost.DeploymentId).ListOAuthAppsAsync();

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_request_not_built_by_the_client_is_refused_by_the_named_http_client()
    {
        var handler = new StubHttpHandler().AlwaysJson("{}");
        await using var host = WachtTestHost.Create(handler);
        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(WachtServiceCollectionExtensions.HttpClientName);

        await Assert.ThrowsAsync<InvalidOperationException>(() => http.GetAsync(new Uri("https://api.test.local/oauth/apps")));

        Assert.Empty(handler.Requests);
    }
}
