using Wacht.Worker.Authorization;

namespace Wacht.Worker.Tests.Authorization;

/// <summary>The authorisation rules as a table: sender, command and target in, allowed or not out.</summary>
public sealed class CommandAuthorizationPolicyTests
{
    private const string Worker = "wacht-worker";
    private const string Deployment = "7283910238470100001";

    private static readonly CommandAuthorizationOptions Policy = new()
    {
        Enabled = true,
        Grants =
        [
            new CommandGrant { User = "ci-deployer", Commands = ["RotateSecret"], Targets = [$"{Deployment}/billing-*"] },
            new CommandGrant { User = "ci-deployer", Commands = ["SyncScopes"], Targets = [$"{Deployment}/billing-portal"] },
            new CommandGrant { User = "helpdesk", Commands = ["RevokeGrant"], Targets = [$"{Deployment}/billing-portal/7283910238471500021"] },
            new CommandGrant { User = "secops", Commands = ["*"], Targets = ["*"] },
            new CommandGrant { User = "no-targets", Commands = ["*"], Targets = [] },
        ],
    };

    public static TheoryData<string?, string, string, string?, bool, string> Cases => new()
    {
        // sender, command, app, client (null: the whole app), allowed, a word of the reason
        { null, "RotateSecret", "billing-portal", "1", false, "no broker-validated user" },
        { "", "RotateSecret", "billing-portal", "1", false, "no broker-validated user" },
        { Worker, "RotateSecret", "billing-portal", "1", true, "own user" },
        { Worker, "SyncScopes", "anything", null, true, "own user" },
        { "stranger", "RotateSecret", "billing-portal", "1", false, "has no grant" },
        { "ci-deployer", "RotateSecret", "billing-portal", "1", true, "may send RotateSecret" },
        { "ci-deployer", "RotateSecret", "billing-api", "1", true, "may send RotateSecret" },
        { "ci-deployer", "RotateSecret", "analytics-api", "1", false, "but not for" },
        { "ci-deployer", "RevokeGrant", "billing-portal", "1", false, "may not send RevokeGrant" },
        // May rotate the client, but quarantining it (rotation, revocation, deactivation) is a right of its own.
        { "ci-deployer", "QuarantineClient", "billing-portal", "1", false, "may not send QuarantineClient" },
        { "ci-deployer", "SyncScopes", "billing-portal", null, true, "may send SyncScopes" },
        { "ci-deployer", "SyncScopes", "billing-api", null, false, "but not for" },
        { "helpdesk", "RevokeGrant", "billing-portal", "7283910238471500021", true, "may send RevokeGrant" },
        { "helpdesk", "RevokeGrant", "billing-portal", "7283910238471500022", false, "but not for" },
        { "helpdesk", "RotateSecret", "billing-portal", "7283910238471500021", false, "may not send RotateSecret" },
        // A grant on one client does not cover commands on the whole app.
        { "helpdesk", "SyncScopes", "billing-portal", null, false, "may not send SyncScopes" },
        { "secops", "SyncScopes", "anything", null, true, "may send SyncScopes" },
        { "secops", "QuarantineClient", "anything", "1", true, "may send QuarantineClient" },
        { "no-targets", "RotateSecret", "billing-portal", "1", false, "but not for" },
        // User names are compared exactly.
        { "CI-DEPLOYER", "RotateSecret", "billing-portal", "1", false, "has no grant" },
        { "Wacht-Worker", "RotateSecret", "billing-portal", "1", false, "has no grant" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide(string? sentBy, string command, string app, string? client, bool allowed, string reason)
    {
        var decision = CommandAuthorizationPolicy.Decide(Policy, Worker, sentBy, command, Deployment, app, client);

        Assert.Equal(allowed, decision.Allowed);
        Assert.Contains(reason, decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_PolicyOff_AllowsEveryone_EvenWithoutAUser()
    {
        var decision = CommandAuthorizationPolicy.Decide(new CommandAuthorizationOptions(), Worker, null, "RotateSecret", Deployment, "a", "1");

        Assert.True(decision.Allowed);
    }

    [Fact]
    public void Decide_WorkerUserUnknown_GetsNoExemption()
    {
        var decision = CommandAuthorizationPolicy.Decide(Policy, workerUser: null, Worker, "RotateSecret", Deployment, "billing-portal", "1");

        Assert.False(decision.Allowed);
    }

    [Fact]
    public void Decide_ExcludedSegmentsAreNotWidenedByMissingTrailingSegments()
    {
        var policy = new CommandAuthorizationOptions
        {
            Enabled = true,
            Grants = [new CommandGrant { User = "u", Commands = ["SyncScopes", "RotateSecret"], Targets = [$"{Deployment}"] }],
        };

        Assert.True(CommandAuthorizationPolicy.Decide(policy, Worker, "u", "SyncScopes", Deployment, "any-app", null).Allowed);
        Assert.True(CommandAuthorizationPolicy.Decide(policy, Worker, "u", "RotateSecret", Deployment, "any-app", "5").Allowed);
        Assert.False(CommandAuthorizationPolicy.Decide(policy, Worker, "u", "RotateSecret", "1111", "any-app", "5").Allowed);
    }
}
