using Wacht.Worker.Jobs;

namespace Wacht.Worker.Tests.Jobs;

public sealed class TargetFilterTests
{
    private const string Dep = "7283910238470100001";

    [Theory]
    [InlineData("analytics-api", "7283910238471500007", "oc_abc", true)]
    [InlineData("billing-api", "7283910238471500020", "oc_def", true)]
    public void NoPatterns_IncludesEveryClient(string app, string id, string clientId, bool expected) =>
        Assert.Equal(expected, TargetFilter.All.Includes(Dep, app, id, clientId));

    [Theory]
    [InlineData("*/analytics-*", "analytics-api", true)]
    [InlineData("*/analytics-*", "billing-api", false)]
    [InlineData(Dep, "billing-api", true)]
    [InlineData("7283910238470100002", "billing-api", false)]
    [InlineData("72839102384701000??/billing-api", "billing-api", true)]
    public void Include_MatchesDeploymentAndAppSegments(string pattern, string app, bool expected) =>
        Assert.Equal(expected, new TargetFilter([pattern], []).Includes(Dep, app, "1", "oc_x"));

    [Theory]
    [InlineData("*/*/7283910238471500007")]
    [InlineData("*/*/oc_reporting*")]
    public void ClientSegment_MatchesRecordIdOrPublicClientId(string pattern)
    {
        var filter = new TargetFilter([pattern], []);

        Assert.True(filter.Includes(Dep, "analytics-api", "7283910238471500007", "oc_reporting_1"));
        Assert.False(filter.Includes(Dep, "analytics-api", "7283910238471500099", "oc_other"));
    }

    [Fact]
    public void Exclude_WinsOverInclude()
    {
        var filter = new TargetFilter(["*/analytics-api"], ["*/*/oc_keep_out"]);

        Assert.True(filter.Includes(Dep, "analytics-api", "1", "oc_fine"));
        Assert.False(filter.Includes(Dep, "analytics-api", "2", "oc_keep_out"));
    }

    [Fact]
    public void Matching_IsCaseSensitive()
    {
        var filter = new TargetFilter(["*/Analytics-API"], []);

        Assert.False(filter.Includes(Dep, "analytics-api", "1", "oc_x"));
    }

    [Fact]
    public void MayInclude_SkipsWholeDeploymentsAndAppsOnlyWhenNoClientCanMatch()
    {
        var filter = new TargetFilter(["*/analytics-api"], ["7283910238470100002", "*/legacy-*/*"]);

        Assert.True(filter.MayInclude(Dep));
        Assert.False(filter.MayInclude("7283910238470100002"));
        Assert.True(filter.MayInclude(Dep, "analytics-api"));
        Assert.False(filter.MayInclude(Dep, "billing-api"));

        // An exclude of some clients of an app does not rule the app out.
        var partial = new TargetFilter([], ["*/analytics-api/oc_a*"]);
        Assert.True(partial.MayInclude(Dep, "analytics-api"));
        Assert.False(new TargetFilter([], ["*/legacy-*"]).MayInclude(Dep, "legacy-api"));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("a//b", "has an empty segment (use * for any)")]
    [InlineData("a/b/c/d", "has 4 segments; the form is deployment/app-slug/client")]
    public void Validate_NamesTheProblem(string pattern, string problem)
    {
        Assert.Equal(problem, TargetFilter.Validate(pattern));
        Assert.Throws<ArgumentException>(() => new TargetFilter([pattern], []));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("7283910238470100001/analytics-api/oc_*")]
    public void Validate_AcceptsWellFormedPatterns(string pattern) => Assert.Null(TargetFilter.Validate(pattern));
}
