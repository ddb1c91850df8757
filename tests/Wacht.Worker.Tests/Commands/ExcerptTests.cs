using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Tests.Commands;

public sealed class ExcerptTests
{
    [Theory]
    [InlineData(null, 10, null)]
    [InlineData("", 10, "")]
    [InlineData("short", 10, "short")]
    [InlineData("exactly10!", 10, "exactly10!")]
    [InlineData("eleven char", 10, "eleven cha…[truncated, 11 chars]")]
    public void Of_KeepsValuesWithinTheLimit_AndMarksTheRest(string? value, int max, string? expected) =>
        Assert.Equal(expected, Excerpt.Of(value, max));

    [Fact]
    public void Of_AOneMegabyteValue_KeepsTheFirst64Characters()
    {
        var value = new string('r', 1_048_576);

        Assert.Equal(new string('r', 64) + "…[truncated, 1048576 chars]", Excerpt.Of(value, InputLimits.MaxReasonLength));
    }

    [Fact]
    public void Of_NeverSplitsASurrogatePair()
    {
        var value = new string('a', 63) + "😀" + new string('b', 100);

        var excerpt = Excerpt.Of(value, 100)!;

        Assert.StartsWith(new string('a', 63) + "…", excerpt, StringComparison.Ordinal);
        Assert.DoesNotContain(excerpt, c => char.IsSurrogate(c));
    }

    [Fact]
    public void FieldErrors_CapsTheListWithAMarkedLastEntry_AndIsIdempotent()
    {
        var errors = Enumerable.Range(0, 500).Select(i => new FieldError($"Scopes[{i}].Scope", "contains a space")).ToList();

        var capped = Excerpt.FieldErrors(errors);

        Assert.Equal(InputLimits.MaxFieldErrors + 1, capped.Count);
        Assert.Equal("Scopes[19].Scope", capped[InputLimits.MaxFieldErrors - 1].Field);
        Assert.Equal(Excerpt.MoreFieldErrors, capped[^1].Field);
        Assert.Contains("500 field errors", capped[^1].Problem, StringComparison.Ordinal);
        Assert.Equal(capped, Excerpt.FieldErrors(capped));
    }

    [Fact]
    public void FieldErrors_ShortensHugeProblems()
    {
        var capped = Excerpt.FieldErrors([new FieldError("Reason", new string('p', 100_000))]);

        Assert.True(capped[0].Problem.Length < 200);
    }

    [Fact]
    public void FailureEcho_KeepsValidValues_AndShortensOversizedOnes()
    {
        var valid = new SecretRotationFailed { DeploymentId = "7283910238471", AppSlug = "analytics-api", OAuthClientId = "9223372036854775807", RequestedBy = new string('a', 256), Reason = new string('b', 1024), Trigger = CommandTriggers.Schedule };

        Assert.Equal(valid, FailureEcho.Bound(valid));

        var bounded = FailureEcho.Bound(valid with { AppSlug = new string('s', 65), Reason = new string('b', 1025), Trigger = new string('t', 1000) });

        Assert.Equal(new string('s', 64) + "…[truncated, 65 chars]", bounded.AppSlug);
        Assert.Equal(new string('b', 64) + "…[truncated, 1025 chars]", bounded.Reason);
        Assert.Equal(new string('t', 32) + "…[truncated, 1000 chars]", bounded.Trigger);
    }
}
