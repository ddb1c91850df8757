using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wacht.Worker.Secrets;

namespace Wacht.Worker.Tests.Secrets;

/// <summary>Bad secret settings stop the worker at start with a message that names the key to fix.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix modes
public sealed class SecretDestinationOptionsValidationTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Worker:Secrets:Destinations:apps:Kind"] = "file",
        ["Worker:Secrets:Destinations:apps:Directory"] = "/srv/apps",
        ["Worker:Secrets:Routes:0:Match"] = "*/*/*",
        ["Worker:Secrets:Routes:0:Destination"] = "apps",
        ["Worker:Secrets:Routes:0:KeyTemplate"] = "{appSlug}/{clientId}.json",
        ["Worker:Secrets:Routes:0:Reload:0:Kind"] = "webhook",
        ["Worker:Secrets:Routes:0:Reload:0:Url"] = "https://apps.example.com/reload",
        ["Worker:Secrets:Routes:0:Reload:0:SigningKeyEnvironmentVariable"] = "PATH",
    };

    [Fact]
    public void ValidConfiguration_Passes()
    {
        Assert.Empty(Failures(Valid));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("file")]
    [InlineData("FILE")]
    public void Legacy_FileDestination_IsAcceptedCaseInsensitively(string? destination)
    {
        var settings = new Dictionary<string, string?> { ["Worker:Secrets:File:Directory"] = "/srv/legacy" };
        if (destination is not null)
        {
            settings["Worker:Secrets:Destination"] = destination;
        }

        Assert.Empty(Failures(settings));
    }

    [Theory]
    [InlineData("Worker:Secrets:Destination", "Vault", "Worker:Secrets:Destination: must be File")]
    [InlineData("Worker:Secrets:Destinations:apps:Kind", "ftp", "Worker:Secrets:Destinations:apps:Kind: unknown kind 'ftp' (one of aws-secrets-manager, azure-key-vault, file, kubernetes, vault)")]
    [InlineData("Worker:Secrets:Destinations:apps:Kind", "", "Worker:Secrets:Destinations:apps:Kind: must be set")]
    [InlineData("Worker:Secrets:Destinations:apps:Directory", " ", "Worker:Secrets:Destinations:apps:Directory: must be set")]
    [InlineData("Worker:Secrets:Destinations:a b:Kind", "file", "Worker:Secrets:Destinations:a b: the name 'a b' must be")]
    [InlineData("Worker:Secrets:Routes:0:Destination", "nope", "Worker:Secrets:Routes:0:Destination: unknown destination 'nope' (configured: apps)")]
    [InlineData("Worker:Secrets:Routes:0:Destination", "", "Worker:Secrets:Routes:0:Destination: must name a destination")]
    [InlineData("Worker:Secrets:Routes:0:Match", "a/b/c/d", "Worker:Secrets:Routes:0:Match: the pattern 'a/b/c/d' has 4 segments")]
    [InlineData("Worker:Secrets:Routes:0:Match", "a//c", "Worker:Secrets:Routes:0:Match: the pattern 'a//c' has an empty segment")]
    [InlineData("Worker:Secrets:Routes:0:Match", "", "Worker:Secrets:Routes:0:Match: the pattern '' is empty")]
    [InlineData("Worker:Secrets:Routes:0:KeyTemplate", "{appSlug}/{bogus}.json", "Worker:Secrets:Routes:0:KeyTemplate: '{appSlug}/{bogus}.json' has an unknown placeholder {bogus}")]
    [InlineData("Worker:Secrets:Routes:0:KeyTemplate", "{appSlug}/{clientId", "Worker:Secrets:Routes:0:KeyTemplate: '{appSlug}/{clientId' has a '{' at position 10 that is never closed")]
    [InlineData("Worker:Secrets:Routes:0:KeyTemplate", "{appSlug}.json", "Worker:Secrets:Routes:0:KeyTemplate: '{appSlug}.json' names neither {clientId} nor {oauthClientId}")]
    [InlineData("Worker:Secrets:Routes:0:KeyTemplate", "../{clientId}.json", "Worker:Secrets:Routes:0:KeyTemplate: not usable with destination 'apps'")]
    [InlineData("Worker:Secrets:Routes:0:Reload:0:Kind", "email", "Worker:Secrets:Routes:0:Reload:0:Kind: must be rollout-restart or webhook")]
    [InlineData("Worker:Secrets:Routes:0:Reload:0:Url", "http://apps.example.com/reload", "Worker:Secrets:Routes:0:Reload:0:Url: must use https")]
    [InlineData("Worker:Secrets:Routes:0:Reload:0:Url", "reload", "Worker:Secrets:Routes:0:Reload:0:Url: must be an absolute https URL")]
    [InlineData("Worker:Secrets:Routes:0:Reload:0:SigningKey", "inline-too", "Worker:Secrets:Routes:0:Reload:0:SigningKeyFile: set exactly one of")]
    [InlineData("Worker:Secrets:Routes:0:Reload:0:SigningKeyEnvironmentVariable", "WACHT_TEST_NO_SUCH_VARIABLE", "Worker:Secrets:Routes:0:Reload:0:SigningKeyEnvironmentVariable: the environment variable WACHT_TEST_NO_SUCH_VARIABLE is not set")]
    [InlineData("Worker:Secrets:Routes:0:Reload:0:MaxAttempts", "0", "Worker:Secrets:Routes:0:Reload:0:MaxAttempts: must be between 1 and 10")]
    [InlineData("Worker:Secrets:Routes:0:Reload:0:Timeout", "00:00:00", "Worker:Secrets:Routes:0:Reload:0:Timeout: must be positive")]
    public void BadSetting_FailsNamingTheKey(string key, string value, string expectedStart)
    {
        var settings = new Dictionary<string, string?>(Valid) { [key] = value };
        if (key.Contains("a b", StringComparison.Ordinal))
        {
            settings.Remove("Worker:Secrets:Destinations:apps:Kind");
            settings.Remove("Worker:Secrets:Destinations:apps:Directory");
            settings["Worker:Secrets:Routes:0:Destination"] = "a b";
        }

        var failures = Failures(settings);

        Assert.Contains(failures, f => f.StartsWith(expectedStart, StringComparison.Ordinal));
    }

    [Fact]
    public void RolloutRestart_OnARouteToAFileDestination_NeedsAKubernetesCluster()
    {
        var settings = new Dictionary<string, string?>(Valid)
        {
            ["Worker:Secrets:Routes:0:Reload:1:Kind"] = "rollout-restart",
            ["Worker:Secrets:Routes:0:Reload:1:Deployments:0"] = "Billing_API",
        };

        var failures = Failures(settings);

        Assert.Contains(failures, f => f.StartsWith("Worker:Secrets:Routes:0:Reload:1:Cluster: must name a kubernetes destination", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Worker:Secrets:Routes:0:Reload:1:Deployments:0: 'Billing_API' is not a valid object name", StringComparison.Ordinal));
    }

    [Fact]
    public void Legacy_EmptyDirectory_FailsNamingTheKey()
    {
        var failures = Failures(new() { ["Worker:Secrets:File:Directory"] = "" });

        Assert.StartsWith("Worker:Secrets:File:Directory: must be set", Assert.Single(failures), StringComparison.Ordinal);
    }

    [Fact]
    public void WebhookKeyFileReadableByOthers_Fails()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "shared-key");
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            var settings = new Dictionary<string, string?>(Valid) { ["Worker:Secrets:Routes:0:Reload:0:SigningKeyFile"] = file };
            settings.Remove("Worker:Secrets:Routes:0:Reload:0:SigningKeyEnvironmentVariable");

            Assert.Contains(Failures(settings), f => f.StartsWith("Worker:Secrets:Routes:0:Reload:0:SigningKeyFile: '", StringComparison.Ordinal) && f.EndsWith("make it 0600 or 0400", StringComparison.Ordinal));
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Assert.Empty(Failures(settings));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Destinations_WithoutRoutes_Fail()
    {
        var settings = Valid.Where(s => !s.Key.StartsWith("Worker:Secrets:Routes", StringComparison.Ordinal)).ToDictionary();

        Assert.Contains(Failures(settings), f => f.StartsWith("Worker:Secrets:Routes: at least one route is needed", StringComparison.Ordinal));
    }

    [Fact]
    public void TwoRoutesWithOneName_Fail()
    {
        var settings = new Dictionary<string, string?>(Valid)
        {
            ["Worker:Secrets:Routes:0:Name"] = "apps",
            ["Worker:Secrets:Routes:1:Name"] = "APPS",
            ["Worker:Secrets:Routes:1:Match"] = "*",
            ["Worker:Secrets:Routes:1:Destination"] = "apps",
        };

        Assert.Contains(Failures(settings), f => f.StartsWith("Worker:Secrets:Routes:1:Name: 'APPS' is used by an earlier route too", StringComparison.Ordinal));
    }

    [Fact]
    public void DirectoryThatIsAFile_Fails()
    {
        var file = Path.GetTempFileName();
        try
        {
            var settings = new Dictionary<string, string?>(Valid) { ["Worker:Secrets:Destinations:apps:Directory"] = file };

            Assert.Contains(Failures(settings), f => f.StartsWith("Worker:Secrets:Destinations:apps:Directory: '", StringComparison.Ordinal) && f.EndsWith("is a file, not a directory, so no secret could be delivered", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static IReadOnlyList<string> Failures(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddWachtSecretDestinations();
        using var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<SecretDestinationOptions>>().Value;
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures];
        }
    }
}
