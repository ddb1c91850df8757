using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Tests.Commands;

public sealed class CommandFieldsTests
{
    private static readonly Guid Id = Guid.Parse("5a4c1f0e-2b7d-4d2e-8f61-0c3a9e7b5d42");

    public static TheoryData<string, Guid, string?, string?, string?, string?, string?> Invalid => new()
    {
        { "CommandId", Guid.Empty, "7283910238471", "analytics-api", CommandTriggers.Command, null, null },
        { "DeploymentId", Id, null, "analytics-api", CommandTriggers.Command, null, null },
        { "DeploymentId", Id, " ", "analytics-api", CommandTriggers.Command, null, null },
        { "DeploymentId", Id, "prod", "analytics-api", CommandTriggers.Command, null, null },
        { "DeploymentId", Id, "-5", "analytics-api", CommandTriggers.Command, null, null },
        { "DeploymentId", Id, "0", "analytics-api", CommandTriggers.Command, null, null },
        { "DeploymentId", Id, "18446744073709551616", "analytics-api", CommandTriggers.Command, null, null },
        { "DeploymentId", Id, "18446744073709551615", "analytics-api", CommandTriggers.Command, null, null },
        { "DeploymentId", Id, "9223372036854775808", "analytics-api", CommandTriggers.Command, null, null },
        { "DeploymentId", Id, "10000000000000000000", "analytics-api", CommandTriggers.Command, null, null },
        { "DeploymentId", Id, "07283910238471", "analytics-api", CommandTriggers.Command, null, null },
        { "DeploymentId", Id, "00", "analytics-api", CommandTriggers.Command, null, null },
        { "DeploymentId", Id, "+7283910238471", "analytics-api", CommandTriggers.Command, null, null },
        { "DeploymentId", Id, "7283910238471 ", "analytics-api", CommandTriggers.Command, null, null },
        { "DeploymentId", Id, "١٢٣", "analytics-api", CommandTriggers.Command, null, null },
        { "AppSlug", Id, "7283910238471", null, CommandTriggers.Command, null, null },
        { "AppSlug", Id, "7283910238471", "analytics api", CommandTriggers.Command, null, null },
        { "AppSlug", Id, "7283910238471", "../etc", CommandTriggers.Command, null, null },
        { "AppSlug", Id, "7283910238471", new string('a', 65), CommandTriggers.Command, null, null },
        { "AppSlug", Id, "7283910238471", ".", CommandTriggers.Command, null, null },
        { "AppSlug", Id, "7283910238471", "..", CommandTriggers.Command, null, null },
        { "AppSlug", Id, "7283910238471", "billing_portal.v2", CommandTriggers.Command, null, null },
        { "AppSlug", Id, "7283910238471", "v1..beta", CommandTriggers.Command, null, null },
        { "AppSlug", Id, "7283910238471", "a/b", CommandTriggers.Command, null, null },
        { "AppSlug", Id, "7283910238471", "a%2Fb", CommandTriggers.Command, null, null },
        { "AppSlug", Id, "7283910238471", "analytics-api\n", CommandTriggers.Command, null, null },
        { "AppSlug", Id, "7283910238471", "anałytics", CommandTriggers.Command, null, null },
        { "AppSlug", Id, "7283910238471", "", CommandTriggers.Command, null, null },
        { "Trigger", Id, "7283910238471", "analytics-api", "cron", null, null },
        { "Trigger", Id, "7283910238471", "analytics-api", null, null, null },
        { "Trigger", Id, "7283910238471", "analytics-api", "Command", null, null },
        { "RequestedBy", Id, "7283910238471", "analytics-api", CommandTriggers.Command, new string('x', 257), null },
        { "Reason", Id, "7283910238471", "analytics-api", CommandTriggers.Command, null, new string('x', 1025) },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Common_ReportsTheOffendingField(string field, Guid commandId, string? deploymentId, string? appSlug, string? trigger, string? requestedBy, string? reason)
    {
        var fields = CommandFields.Common(commandId, deploymentId, appSlug, trigger, requestedBy, reason);

        Assert.Equal(field, Assert.Single(fields.Errors).Field);
        Assert.False(fields.IsValid);
    }

    [Theory]
    [InlineData("7283910238471", "analytics-api", CommandTriggers.Command)]
    [InlineData("9223372036854775807", "billing_portal-v2", CommandTriggers.Schedule)]
    [InlineData("1", "a", CommandTriggers.Audit)]
    [InlineData("1000000000000000000", "A-Z_0-9", CommandTriggers.Command)]
    [InlineData("7283910238471", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", CommandTriggers.Command)]
    public void Common_AcceptsWellFormedCommands(string deploymentId, string appSlug, string trigger)
    {
        var fields = CommandFields.Common(Id, deploymentId, appSlug, trigger, new string('a', 256), new string('b', 1024));

        Assert.True(fields.IsValid);
        Assert.Empty(fields.Errors);
    }

    [Fact]
    public void Common_ReportsEveryProblemAtOnce()
    {
        var fields = CommandFields.Common(Guid.Empty, "", "", "x", null, null).DecimalId("GrantId", "abc");

        Assert.Equal(["CommandId", "DeploymentId", "AppSlug", "Trigger", "GrantId"], fields.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Problems_QuoteAShortenedValue_NotAHugeOne()
    {
        var fields = CommandFields.Common(Id, new string('9', 5000) + "x", "analytics-api", CommandTriggers.Command, null, null);

        Assert.True(Assert.Single(fields.Errors).Problem.Length < 200);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("7283910238471000001")]
    [InlineData("9223372036854775807")]
    public void DecimalId_AcceptsCanonicalIds(string id) =>
        Assert.True(new CommandFields().DecimalId("GrantId", id).IsValid);

    [Theory]
    [InlineData("0")]
    [InlineData("01")]
    [InlineData("0007283910238471000001")]
    [InlineData("9223372036854775808")]
    [InlineData("99999999999999999999")]
    [InlineData("-1")]
    [InlineData("1.0")]
    [InlineData("١")]
    public void DecimalId_RefusesIdsThatAreNotCanonical(string id)
    {
        var error = Assert.Single(new CommandFields().DecimalId("GrantId", id).Errors);

        Assert.Equal("GrantId", error.Field);
        Assert.Contains("leading zero", error.Problem, StringComparison.Ordinal);
    }
}
