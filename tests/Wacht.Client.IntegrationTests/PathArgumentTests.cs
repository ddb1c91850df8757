using Wacht.Client.Tests.Support;

namespace Wacht.Client.IntegrationTests;

/// <summary>
/// Against the emulator: every path argument of every method, with every value that could collapse, split or re-route
/// the path, is refused with <see cref="WachtArgumentException"/> and nothing reaches the emulator, neither a routed
/// call (its call counter) nor any other request (a counting handler under the client's pipeline, which also sees
/// requests the emulator would answer from its unrouted fallback, which it does not count). Both path styles.
/// </summary>
public sealed class PathArgumentTests(PathArgumentTests.Fixture fixture) : IClassFixture<PathArgumentTests.Fixture>
{
    public static TheoryData<string, string, string> Cases => PathArgumentMatrix.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_path_argument_never_reaches_the_emulator(string method, string argument, string badValue)
    {
        foreach (var deployment in new[] { World.BackendDeployment, World.PlatformDeployment })
        {
            var error = await Assert.ThrowsAsync<WachtArgumentException>(
                () => PathArgumentMatrix.InvokeAsync(fixture.World.Client(deployment), method, argument, PathArgumentMatrix.Value(badValue)));

            Assert.Equal(argument, error.ParamName);
            Assert.Equal(deployment, error.DeploymentId);
            Assert.Equal(0, fixture.World.Emulator.Calls.Count("*"));
            Assert.Equal(0, fixture.Sent.Count);
        }
    }

    [Fact]
    public async Task The_counters_do_see_a_valid_call()
    {
        var sent = new RequestCounter();
        await using var world = await World.StartAsync(requests: sent);

        await PathArgumentMatrix.InvokeAsync(world.Client(World.BackendDeployment), nameof(IWachtClient.ListOAuthClientsAsync));

        Assert.Equal(1, world.Emulator.Calls.Count("listOAuthClients"));
        Assert.Equal(1, sent.Count);
    }

    public sealed class Fixture : IAsyncLifetime
    {
        public World World { get; private set; } = null!;

        public RequestCounter Sent { get; } = new();

        public async Task InitializeAsync() => World = await World.StartAsync(requests: Sent);

        public async Task DisposeAsync() => await World.DisposeAsync();
    }
}
