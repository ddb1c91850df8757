using Wacht.Worker.Rotation.Validity;

namespace Wacht.Worker.Tests.Rotation.Validity;

public sealed class DeliveredSecretCheckOptionsValidatorTests
{
    private static IReadOnlyList<string> Failures(DeliveredSecretCheckOptions options) =>
        [.. new DeliveredSecretCheckOptionsValidator().Validate(null, options).Failures ?? []];

    [Fact]
    public void Defaults_AreValid()
    {
        var options = new DeliveredSecretCheckOptions();
        Assert.Empty(Failures(options));
        Assert.True(options.Enabled);
        Assert.Equal(0.25, options.Share);
        Assert.False(options.RotateOnRejected);
    }

    [Fact]
    public void EveryBadSetting_IsNamed_AllAtOnce()
    {
        var failures = Failures(new DeliveredSecretCheckOptions { Share = 0, MaxChecksPerMinute = 0, MaxDuration = TimeSpan.Zero });
        Assert.Equal(3, failures.Count);
        Assert.StartsWith("Worker:RotationSweep:Validity:Share: must be between 0.001 and 1", failures[0], StringComparison.Ordinal);
        Assert.StartsWith("Worker:RotationSweep:Validity:MaxChecksPerMinute:", failures[1], StringComparison.Ordinal);
        Assert.StartsWith("Worker:RotationSweep:Validity:MaxDuration:", failures[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    [InlineData(-1)]
    public void ShareOutsideTheRange_IsRefused(double share) =>
        Assert.Single(Failures(new DeliveredSecretCheckOptions { Share = share }));
}
