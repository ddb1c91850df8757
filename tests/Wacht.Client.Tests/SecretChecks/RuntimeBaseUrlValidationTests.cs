using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wacht.Client.Tests.Support;

namespace Wacht.Client.Tests;

public sealed class RuntimeBaseUrlValidationTests
{
    private const string Setting = $"Wacht:Deployments:{WachtTestHost.DeploymentId}:RuntimeBaseUrl";

    [Theory]
    [InlineData("ftp://{fqdn}")]
    [InlineData("{fqdn}")]
    [InlineData("https://api.{fqdn}")]
    [InlineData("https://{fqdn}evil.example.com")]
    [InlineData("https://{fqdn}@evil.example.com")]
    [InlineData("https://{fqdn}/{fqdn}")]
    [InlineData("https://evil.example.com/{fqdn}")]
    [InlineData("https://{fqdn}/?x=1")]
    [InlineData("https://user:pw@127.0.0.1:5080/")]
    [InlineData("http://127.0.0.1:5080/#frag")]
    [InlineData("/relative")]
    public void An_unusable_runtime_base_url_is_reported_by_name(string value)
    {
        var settings = WachtTestHost.DefaultSettings();
        settings[Setting] = value;
        var services = WachtTestHost.BuildServices(settings);
        services.AddWachtClient();
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WachtOptions>>().Value);

        Assert.Contains(failure.Failures, f => f.StartsWith(Setting + ": ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("https://{fqdn}")]
    [InlineData("http://{fqdn}:8080/")]
    [InlineData("http://{fqdn}.localtest.me")]
    [InlineData("http://127.0.0.1:5080/")]
    [InlineData("https://gateway.internal.example/oauth-runtime")]
    public void Usable_values_pass(string? value)
    {
        var settings = WachtTestHost.DefaultSettings();
        if (value is not null)
        {
            settings[Setting] = value;
        }

        var services = WachtTestHost.BuildServices(settings);
        services.AddWachtClient();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(value ?? "https://{fqdn}", provider.GetRequiredService<IOptions<WachtOptions>>().Value.Deployments[WachtTestHost.DeploymentId].RuntimeBaseUrl);
    }

    [Theory]
    [InlineData("auth.example.com", "auth.example.com")]
    [InlineData(" Auth.Example.COM ", "auth.example.com")]
    [InlineData("k3x9q2m7a1b4c8d0.o.feapis.xyz", "k3x9q2m7a1b4c8d0.o.feapis.xyz")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    [InlineData("10.0.0.1", null)]
    [InlineData("example", null)]
    [InlineData("a..example.com", null)]
    [InlineData("bücher.example", null)]
    public void Host_names_are_plain_dns_names(string fqdn, string? expected)
    {
        Assert.Equal(expected, RuntimeEndpoint.NormalizeHost(fqdn));
    }
}
