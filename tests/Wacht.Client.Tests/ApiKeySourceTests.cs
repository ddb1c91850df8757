using Wacht.Client.Tests.Support;

namespace Wacht.Client.Tests;

public sealed class ApiKeySourceTests
{
    private const string Prefix = $"Wacht:Deployments:{WachtTestHost.DeploymentId}";

    private static WachtTestHost HostWithKeyFrom(StubHttpHandler handler, string setting, string value) =>
        WachtTestHost.Create(handler, s =>
        {
            s.Remove($"{Prefix}:ApiKey");
            s[$"{Prefix}:{setting}"] = value;
        });

    [Fact]
    public async Task Api_key_is_read_from_an_environment_variable()
    {
        var variable = "WACHT_TEST_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "  wk_from_env_123  ");
        try
        {
            var handler = new StubHttpHandler().AlwaysJson(Fixtures.Apps());
            await using var host = HostWithKeyFrom(handler, "ApiKeyEnvironmentVariable", variable);

            await host.Client.ListOAuthAppsAsync();

            Assert.Equal("wk_from_env_123", handler.SingleRequest.Authorization?.Parameter);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Api_key_is_read_from_a_file_and_trimmed()
    {
        using var directory = new TempDirectory();
        var file = directory.Write("api-key", "wk_from_file_456\n");
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.Apps());
        await using var host = HostWithKeyFrom(handler, "ApiKeyFile", file);

        await host.Client.ListOAuthAppsAsync();

        Assert.Equal("wk_from_file_456", handler.SingleRequest.Authorization?.Parameter);
    }

    [Fact]
    public async Task A_changed_key_file_is_picked_up_by_the_next_request()
    {
        using var directory = new TempDirectory();
        var file = directory.Write("api-key", "wk_first");
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.Apps());
        await using var host = HostWithKeyFrom(handler, "ApiKeyFile", file);

        await host.Client.ListOAuthAppsAsync();
        await File.WriteAllTextAsync(file, "wk_second_longer\n");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5));
        await host.Client.ListOAuthAppsAsync();

        Assert.Equal(["wk_first", "wk_second_longer"], handler.Requests.Select(static r => r.Authorization?.Parameter));
        Assert.Contains(host.Logs.GetSnapshot(), static r => r.Id.Name == "WachtApiKeyFileLoaded" && r.Message.Contains("changed: True", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_kubernetes_style_symlink_swap_of_the_mounted_secret_is_picked_up()
    {
        // Kubernetes mounts: key -> ..data/key, ..data -> ..<timestamp>/ ; an update swaps the ..data link. The files are
        // owner-only here; a secret volume needs defaultMode 0400 or 0440 (its default 0644 is refused at start).
        using var directory = new TempDirectory();
        var first = Directory.CreateDirectory(Path.Combine(directory.Path, "..2026_11_26_10_00_00.1"));
        var second = Directory.CreateDirectory(Path.Combine(directory.Path, "..2026_11_26_11_00_00.2"));
        directory.Write(Path.Combine(first.Name, "api-key"), "wk_k8s_one");
        directory.Write(Path.Combine(second.Name, "api-key"), "wk_k8s_two");
        File.SetLastWriteTimeUtc(Path.Combine(second.FullName, "api-key"), DateTime.UtcNow.AddMinutes(1));
        var data = Path.Combine(directory.Path, "..data");
        Directory.CreateSymbolicLink(data, first.Name);
        var key = Path.Combine(directory.Path, "api-key");
        File.CreateSymbolicLink(key, Path.Combine("..data", "api-key"));
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.Apps());
        await using var host = HostWithKeyFrom(handler, "ApiKeyFile", key);

        await host.Client.ListOAuthAppsAsync();
        Directory.Delete(data);
        Directory.CreateSymbolicLink(data, second.Name);
        await host.Client.ListOAuthAppsAsync();

        Assert.Equal(["wk_k8s_one", "wk_k8s_two"], handler.Requests.Select(static r => r.Authorization?.Parameter));
    }

    [Fact]
    public async Task A_key_file_that_disappears_fails_the_call_naming_the_setting_without_sending()
    {
        using var directory = new TempDirectory();
        var file = directory.Write("api-key", "wk_soon_gone");
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.Apps());
        await using var host = HostWithKeyFrom(handler, "ApiKeyFile", file);

        await host.Client.ListOAuthAppsAsync();
        File.Delete(file);
        var error = await Assert.ThrowsAsync<WachtConfigurationException>(() => host.Client.ListOAuthAppsAsync());

        Assert.StartsWith($"{Prefix}:ApiKeyFile:", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wk_soon_gone", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_key_file_emptied_at_runtime_fails_the_call_naming_the_setting()
    {
        using var directory = new TempDirectory();
        var file = directory.Write("api-key", "wk_will_be_emptied");
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.RotatedSecret);
        await using var host = HostWithKeyFrom(handler, "ApiKeyFile", file);

        await host.Client.RotateOAuthClientSecretAsync("reports", "1");
        await File.WriteAllTextAsync(file, "\n");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5));
        var error = await Assert.ThrowsAsync<WachtConfigurationException>(() => host.Client.RotateOAuthClientSecretAsync("reports", "1"));

        Assert.StartsWith($"{Prefix}:ApiKeyFile:", error.Message, StringComparison.Ordinal);
        Assert.Contains("is empty", error.Message, StringComparison.Ordinal);
        Assert.Single(handler.Requests);
    }
}
