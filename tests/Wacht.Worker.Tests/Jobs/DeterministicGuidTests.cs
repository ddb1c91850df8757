using Wacht.Worker.Jobs;

namespace Wacht.Worker.Tests.Jobs;

public sealed class DeterministicGuidTests
{
    [Fact]
    public void SameParts_GiveTheSameId()
    {
        Assert.Equal(
            DeterministicGuid.Create("rotation-sweep", "7283910238470100001", "7283910238471500007", "2026-11-27T00:00:00Z"),
            DeterministicGuid.Create("rotation-sweep", "7283910238470100001", "7283910238471500007", "2026-11-27T00:00:00Z"));
    }

    [Theory]
    [InlineData("rotation-sweep", "1", "2", "2026-11-28T00:00:00Z")]
    [InlineData("rotation-sweep", "1", "3", "2026-11-27T00:00:00Z")]
    [InlineData("grant-audit-revoke", "1", "2", "2026-11-27T00:00:00Z")]
    [InlineData("rotation-sweep", "12", "", "2026-11-27T00:00:00Z")]
    public void AnyDifferentPart_GivesADifferentId(string job, string deployment, string client, string window) =>
        Assert.NotEqual(
            DeterministicGuid.Create("rotation-sweep", "1", "2", "2026-11-27T00:00:00Z"),
            DeterministicGuid.Create(job, deployment, client, window));

    [Fact]
    public void Id_IsAnRfc9562Version8Guid()
    {
        var text = DeterministicGuid.Create("a", "b").ToString();

        Assert.Equal('8', text[14]);
        Assert.Contains(text[19], "89ab");
    }
}
