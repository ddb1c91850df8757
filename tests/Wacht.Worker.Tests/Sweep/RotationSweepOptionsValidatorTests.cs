using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wacht.Worker.Rotation;

namespace Wacht.Worker.Tests.Sweep;

public sealed class RotationSweepOptionsValidatorTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(new RotationSweepOptionsValidator().Validate(null, new RotationSweepOptions()).Succeeded);
    }

    [Theory]
    [InlineData("MaxSecretAge", "00:00:00", "Worker:RotationSweep:MaxSecretAge: must be greater than zero")]
    [InlineData("WarningWindow", "-1.00:00:00", "Worker:RotationSweep:WarningWindow: must not be negative")]
    [InlineData("WarningWindow", "90.00:00:00", "Worker:RotationSweep:WarningWindow: must be shorter than Worker:RotationSweep:MaxSecretAge")]
    [InlineData("MaxRotationsPerSweep", "-1", "Worker:RotationSweep:MaxRotationsPerSweep: must be 0 or more")]
    [InlineData("CommandWindow", "00:00:00", "Worker:RotationSweep:CommandWindow: must be greater than zero")]
    [InlineData("MaxParallelism", "0", "Worker:RotationSweep:MaxParallelism: must be between 1 and 64")]
    [InlineData("MaxParallelism", "65", "Worker:RotationSweep:MaxParallelism: must be between 1 and 64")]
    [InlineData("Include:0", "", "Worker:RotationSweep:Include:0 '' is empty")]
    [InlineData("Exclude:2", "a//b", "Worker:RotationSweep:Exclude:2 'a//b' has an empty segment (use * for any)")]
    [InlineData("Exclude:0", "a/b/c/d", "Worker:RotationSweep:Exclude:0 'a/b/c/d' has 4 segments")]
    public void A_bad_setting_refuses_to_start_naming_the_key(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { [$"Worker:RotationSweep:{key}"] = value };
        if (key == "Exclude:2")
        {
            settings["Worker:RotationSweep:Exclude:0"] = "*/billing-*";
            settings["Worker:RotationSweep:Exclude:1"] = "7283910238470100001";
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddWachtRotationSweep();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RotationSweepOptions>>().Value);
        Assert.Contains(error.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Zero_rotations_per_sweep_is_allowed()
    {
        Assert.True(new RotationSweepOptionsValidator().Validate(null, new RotationSweepOptions { MaxRotationsPerSweep = 0 }).Succeeded);
    }
}
