using Wacht.Worker.Commands;

namespace Wacht.Worker.Tests.Commands;

/// <summary>
/// Lock and partition keys are taken from the canonical id: two spellings of one record (which Wacht parses to the
/// same number) must never get two keys, or two commands for one client could run at once.
/// </summary>
public sealed class LockKeysTests
{
    [Theory]
    [InlineData("7283910238471", "7283910238471000001", "client/7283910238471/7283910238471000001")]
    [InlineData("07283910238471", "0007283910238471000001", "client/7283910238471/7283910238471000001")]
    [InlineData("7283910238471", "oc_client", "client/7283910238471/oc_client")]
    [InlineData(null, null, "client//")]
    public void Client_UsesTheCanonicalIds(string? deploymentId, string? clientId, string expected) =>
        Assert.Equal(expected, LockKeys.Client(deploymentId, clientId));

    [Theory]
    [InlineData("7283910238471", "analytics-api", "app/7283910238471/analytics-api")]
    [InlineData("007283910238471", "analytics-api", "app/7283910238471/analytics-api")]
    public void App_UsesTheCanonicalDeploymentId(string deploymentId, string slug, string expected) =>
        Assert.Equal(expected, LockKeys.App(deploymentId, slug));

}
