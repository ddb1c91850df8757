using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Wacht.Client.Tests.Support;

namespace Wacht.Client.Tests;

public sealed class OptionsValidationTests
{
    private const string Prefix = $"Wacht:Deployments:{WachtTestHost.DeploymentId}";

    private static OptionsValidationException ValidationFailure(Dictionary<string, string?> settings)
    {
        var services = WachtTestHost.BuildServices(settings);
        services.AddWachtClient();
        using var provider = services.BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WachtOptions>>().Value);
    }

    private static Dictionary<string, string?> Valid() => WachtTestHost.DefaultSettings();

    [Theory]
    [InlineData("BaseUrl", "ftp://api.wacht.dev", $"{Prefix}:BaseUrl:")]
    [InlineData("BaseUrl", "/relative/path", $"{Prefix}:BaseUrl:")]
    [InlineData("BaseUrl", "https://api.wacht.dev/?x=1", $"{Prefix}:BaseUrl:")]
    [InlineData("BaseUrl", "https://user:pw@api.wacht.dev", $"{Prefix}:BaseUrl:")]
    [InlineData("RequestTimeout", "00:00:00", $"{Prefix}:RequestTimeout:")]
    [InlineData("RequestTimeout", "-00:00:01", $"{Prefix}:RequestTimeout:")]
    [InlineData("TotalTimeout", "00:00:01", $"{Prefix}:TotalTimeout:")]
    [InlineData("MaxConcurrentRequests", "0", $"{Prefix}:MaxConcurrentRequests:")]
    [InlineData("MaxQueuedRequests", "-1", $"{Prefix}:MaxQueuedRequests:")]
    [InlineData("RequestsPerSecond", "0", $"{Prefix}:RequestsPerSecond:")]
    [InlineData("RequestsPerSecond", "-2.5", $"{Prefix}:RequestsPerSecond:")]
    [InlineData("MaxRetries", "11", $"{Prefix}:MaxRetries:")]
    [InlineData("MaxRetries", "-1", $"{Prefix}:MaxRetries:")]
    [InlineData("RetryBaseDelay", "-00:00:01", $"{Prefix}:RetryBaseDelay:")]
    [InlineData("MaxRetryDelay", "00:00:00.001", $"{Prefix}:MaxRetryDelay:")]
    [InlineData("MaxRetryAfter", "-00:00:01", $"{Prefix}:MaxRetryAfter:")]
    [InlineData("CircuitBreaker:FailureRatio", "0", $"{Prefix}:CircuitBreaker:FailureRatio:")]
    [InlineData("CircuitBreaker:FailureRatio", "1.5", $"{Prefix}:CircuitBreaker:FailureRatio:")]
    [InlineData("CircuitBreaker:MinimumThroughput", "1", $"{Prefix}:CircuitBreaker:MinimumThroughput:")]
    [InlineData("CircuitBreaker:SamplingDuration", "00:00:00.100", $"{Prefix}:CircuitBreaker:SamplingDuration:")]
    [InlineData("CircuitBreaker:BreakDuration", "00:00:00.100", $"{Prefix}:CircuitBreaker:BreakDuration:")]
    public void Each_invalid_setting_is_reported_with_its_configuration_path(string setting, string value, string expectedPrefix)
    {
        var settings = Valid();
        settings[$"{Prefix}:{setting}"] = value;
        if (setting == "TotalTimeout")
        {
            settings[$"{Prefix}:RequestTimeout"] = "00:00:05";
        }

        var failure = ValidationFailure(settings);

        Assert.Contains(failure.Failures, f => f.StartsWith(expectedPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public void No_api_key_source_asks_for_exactly_one()
    {
        var settings = Valid();
        settings.Remove($"{Prefix}:ApiKey");

        var failure = ValidationFailure(settings);

        Assert.Contains($"{Prefix}:ApiKey: set exactly one of ApiKey, ApiKeyEnvironmentVariable or ApiKeyFile", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_api_key_sources_ask_for_exactly_one()
    {
        var settings = Valid();
        settings[$"{Prefix}:ApiKeyEnvironmentVariable"] = "WACHT_KEY";

        var failure = ValidationFailure(settings);

        Assert.Contains(failure.Failures, static f => f.StartsWith($"{Prefix}:ApiKey: set exactly one of", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_environment_variable_is_reported()
    {
        var variable = "WACHT_TEST_MISSING_" + Guid.NewGuid().ToString("N");
        var settings = Valid();
        settings.Remove($"{Prefix}:ApiKey");
        settings[$"{Prefix}:ApiKeyEnvironmentVariable"] = variable;

        var failure = ValidationFailure(settings);

        Assert.Contains(failure.Failures, f => f.StartsWith($"{Prefix}:ApiKeyEnvironmentVariable:", StringComparison.Ordinal) && f.Contains(variable, StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_and_empty_key_files_are_reported()
    {
        using var directory = new TempDirectory();
        var missing = Path.Combine(directory.Path, "missing");
        var empty = directory.Write("empty", "  \n");

        foreach (var (file, expected) in new[] { (missing, "does not exist"), (empty, "is empty") })
        {
            var settings = Valid();
            settings.Remove($"{Prefix}:ApiKey");
            settings[$"{Prefix}:ApiKeyFile"] = file;

            var failure = ValidationFailure(settings);

            Assert.Contains(failure.Failures, f => f.StartsWith($"{Prefix}:ApiKeyFile:", StringComparison.Ordinal) && f.Contains(expected, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("0644")]
    [InlineData("0604")]
    [InlineData("0660")]
    [InlineData("0666")]
    public void An_api_key_file_other_users_can_read_or_change_is_rejected(string mode)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }

        using var directory = new TempDirectory();
        var file = directory.Write("api-key", "wk_test_mode_check_4a1b");
        File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32(mode, 8));
        var settings = Valid();
        settings.Remove($"{Prefix}:ApiKey");
        settings[$"{Prefix}:ApiKeyFile"] = file;

        var failure = ValidationFailure(settings);

        var message = Assert.Single(failure.Failures, f => f.StartsWith($"{Prefix}:ApiKeyFile:", StringComparison.Ordinal));
        Assert.Contains($"mode {mode}", message, StringComparison.Ordinal);
        Assert.DoesNotContain("wk_test_mode_check_4a1b", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0600")]
    [InlineData("0400")]
    [InlineData("0640")]
    [InlineData("0440")]
    public void An_api_key_file_readable_by_its_owner_or_its_group_only_is_accepted(string mode)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }

        using var directory = new TempDirectory();
        var file = directory.Write("api-key", "wk_test_mode_check_4a1b");
        File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32(mode, 8));
        var settings = Valid();
        settings.Remove($"{Prefix}:ApiKey");
        settings[$"{Prefix}:ApiKeyFile"] = file;
        var services = WachtTestHost.BuildServices(settings);
        services.AddWachtClient();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(file, provider.GetRequiredService<IOptions<WachtOptions>>().Value.Deployments[WachtTestHost.DeploymentId].ApiKeyFile);
    }

    [Theory]
    [InlineData("http://api.wacht.dev")]
    [InlineData("http://10.0.0.7:8080/")]
    [InlineData("http://wacht-emulator:5080/")]
    public void Plain_http_to_another_host_is_refused_unless_allowed_for_that_deployment(string baseUrl)
    {
        var settings = Valid();
        settings[$"{Prefix}:BaseUrl"] = baseUrl;

        var failure = ValidationFailure(settings);

        var message = Assert.Single(failure.Failures);
        Assert.StartsWith($"{Prefix}:BaseUrl:", message, StringComparison.Ordinal);
        Assert.Contains($"{Prefix}:AllowInsecureHttp=true", message, StringComparison.Ordinal);

        settings[$"{Prefix}:AllowInsecureHttp"] = "true";
        var services = WachtTestHost.BuildServices(settings);
        services.AddWachtClient();
        using var provider = services.BuildServiceProvider();
        Assert.True(provider.GetRequiredService<IOptions<WachtOptions>>().Value.Deployments[WachtTestHost.DeploymentId].AllowInsecureHttp);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080/")]
    [InlineData("http://localhost:5080/")]
    [InlineData("http://[::1]:5080/")]
    [InlineData("https://api.wacht.dev/")]
    public void Https_and_loopback_http_need_no_exception(string baseUrl)
    {
        var settings = Valid();
        settings[$"{Prefix}:BaseUrl"] = baseUrl;
        var services = WachtTestHost.BuildServices(settings);
        services.AddWachtClient();
        using var provider = services.BuildServiceProvider();

        Assert.False(provider.GetRequiredService<IOptions<WachtOptions>>().Value.Deployments[WachtTestHost.DeploymentId].AllowInsecureHttp);
    }

    [Fact]
    public void An_api_key_with_whitespace_inside_is_rejected_without_printing_it()
    {
        var settings = Valid();
        settings[$"{Prefix}:ApiKey"] = "wk_live_sec ret";

        var failure = ValidationFailure(settings);

        Assert.Contains(failure.Failures, static f => f.StartsWith($"{Prefix}:ApiKey:", StringComparison.Ordinal));
        Assert.DoesNotContain("sec ret", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("prod")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("007283910238471")]
    [InlineData("92233720368547758070")]
    public void A_deployment_id_that_is_not_a_decimal_64_bit_integer_is_reported(string id)
    {
        var failure = ValidationFailure(WachtTestHost.DefaultSettings(id));

        Assert.Contains(failure.Failures, f => f.StartsWith($"Wacht:Deployments:{id}: the deployment id", StringComparison.Ordinal));
    }

    [Fact]
    public void No_deployment_at_all_is_reported()
    {
        var failure = ValidationFailure([]);

        Assert.Contains(failure.Failures, static f => f.StartsWith("Wacht:Deployments: configure at least one deployment", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var settings = Valid();
        settings[$"{Prefix}:MaxRetries"] = "99";
        settings[$"{Prefix}:MaxConcurrentRequests"] = "0";

        var failure = ValidationFailure(settings);

        Assert.Equal(2, failure.Failures.Count());
    }

    [Fact]
    public void A_custom_section_path_is_named_in_messages()
    {
        var settings = new Dictionary<string, string?> { ["Integrations:Wacht:Deployments:42:MaxRetries"] = "3" };
        var services = WachtTestHost.BuildServices(settings);
        services.AddWachtClient("Integrations:Wacht");
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WachtOptions>>().Value);

        Assert.Contains(failure.Failures, static f => f.StartsWith("Integrations:Wacht:Deployments:42:ApiKey:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData($"{Prefix}:ApiKeyFiel", "/typo", $"{Prefix}:ApiKeyFiel: unknown setting")]
    [InlineData($"{Prefix}:CircuitBreaker:Ratio", "0.5", $"{Prefix}:CircuitBreaker:Ratio: unknown setting")]
    [InlineData("Wacht:Deployment:1:ApiKey", "x", "Wacht:Deployment: unknown setting")]
    public void An_unknown_setting_is_reported_by_name(string key, string value, string expected)
    {
        var settings = Valid();
        settings[key] = value;

        var failure = ValidationFailure(settings);

        Assert.Contains(failure.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("PathStyle", "Sideways")]
    [InlineData("PathStyle", "7")]
    [InlineData("MaxRetries", "three")]
    [InlineData("RequestTimeout", "30 seconds")]
    [InlineData("RequestsPerSecond", "2,5")]
    [InlineData("CircuitBreaker:Enabled", "yes")]
    public void An_unconvertible_value_is_reported_by_name_instead_of_dropping_the_deployment(string setting, string value)
    {
        var settings = Valid();
        settings[$"{Prefix}:{setting}"] = value;

        var failure = ValidationFailure(settings);

        Assert.Contains(failure.Failures, f => f.StartsWith($"{Prefix}:{setting}: '{value}' is not", StringComparison.Ordinal));
        Assert.DoesNotContain(failure.Failures, static f => f.Contains("configure at least one deployment", StringComparison.Ordinal));
    }

    [Fact]
    public void The_known_key_lists_match_the_option_properties()
    {
        Assert.Equal(
            typeof(WachtDeploymentOptions).GetProperties().Select(static p => p.Name).Order(),
            WachtConfigurationKeys.Deployment.Keys.Order());
        Assert.Equal(
            typeof(WachtCircuitBreakerOptions).GetProperties().Select(static p => p.Name).Order(),
            WachtConfigurationKeys.CircuitBreaker.Keys.Order());
    }

    [Fact]
    public void Keys_are_case_insensitive_like_configuration()
    {
        var services = WachtTestHost.BuildServices(new Dictionary<string, string?>
        {
            [$"wacht:deployments:{WachtTestHost.DeploymentId}:apikey"] = WachtTestHost.ApiKey,
            [$"wacht:deployments:{WachtTestHost.DeploymentId}:pathstyle"] = "platform",
            [$"wacht:deployments:{WachtTestHost.DeploymentId}:circuitbreaker:enabled"] = "false",
        });
        services.AddWachtClient();
        using var provider = services.BuildServiceProvider();

        var deployment = provider.GetRequiredService<IOptions<WachtOptions>>().Value.Deployments[WachtTestHost.DeploymentId];

        Assert.Equal(WachtPathStyle.Platform, deployment.PathStyle);
        Assert.False(deployment.CircuitBreaker.Enabled);
    }

    [Fact]
    public void A_minimal_deployment_gets_the_documented_defaults()
    {
        var services = WachtTestHost.BuildServices(new Dictionary<string, string?> { [$"{Prefix}:ApiKey"] = WachtTestHost.ApiKey });
        services.AddWachtClient();
        using var provider = services.BuildServiceProvider();

        var deployment = provider.GetRequiredService<IOptions<WachtOptions>>().Value.Deployments[WachtTestHost.DeploymentId];

        Assert.Equal(new Uri("https://api.wacht.dev"), deployment.BaseUrl);
        Assert.Equal(WachtPathStyle.Backend, deployment.PathStyle);
        Assert.Equal(TimeSpan.FromSeconds(30), deployment.RequestTimeout);
        Assert.Equal(TimeSpan.FromMinutes(3), deployment.TotalTimeout);
        Assert.Equal(8, deployment.MaxConcurrentRequests);
        Assert.Null(deployment.RequestsPerSecond);
        Assert.Equal(3, deployment.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(500), deployment.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(60), deployment.MaxRetryAfter);
        Assert.True(deployment.CircuitBreaker.Enabled);
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_at_start()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"{Prefix}:MaxRetries"] = "1" });
        builder.Services.AddWachtClient();
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(failure.Failures, static f => f.StartsWith($"{Prefix}:ApiKey:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Valid_options_let_the_host_start()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(Valid());
        builder.Services.AddWachtClient();
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.Equal([WachtTestHost.DeploymentId], host.Services.GetRequiredService<IWachtClientFactory>().DeploymentIds);
    }
}
