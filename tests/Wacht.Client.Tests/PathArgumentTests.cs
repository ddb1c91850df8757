using Wacht.Client.Tests.Support;

namespace Wacht.Client.Tests;

/// <summary>
/// No argument may change which endpoint a call reaches: every path argument of every method, with every value that
/// could collapse, split or re-route the path, is refused with <see cref="WachtArgumentException"/> before a request
/// is sent (the stub handler sees nothing). Both path styles.
/// </summary>
public sealed class PathArgumentTests : IAsyncLifetime
{
    private readonly StubHttpHandler _backendHandler = new StubHttpHandler().AlwaysJson("{}");
    private readonly StubHttpHandler _platformHandler = new StubHttpHandler().AlwaysJson("{}");
    private WachtTestHost _backend = null!;
    private WachtTestHost _platform = null!;

    public static TheoryData<string, string, string> Cases => PathArgumentMatrix.Cases();

    public Task InitializeAsync()
    {
        _backend = WachtTestHost.Create(_backendHandler);
        _platform = WachtTestHost.Create(_platformHandler, static s => s[$"Wacht:Deployments:{WachtTestHost.DeploymentId}:PathStyle"] = "Platform");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _platform.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_path_argument_is_refused_before_any_request(string method, string argument, string badValue)
    {
        foreach (var (host, handler) in new[] { (_backend, _backendHandler), (_platform, _platformHandler) })
        {
            var error = await Assert.ThrowsAsync<WachtArgumentException>(
                () => PathArgumentMatrix.InvokeAsync(host.Client, method, argument, PathArgumentMatrix.Value(badValue)));

            Assert.Equal(argument, error.ParamName);
            Assert.Equal(OperationName(method), error.Operation);
            Assert.Equal(WachtTestHost.DeploymentId, error.DeploymentId);
            Assert.False(string.IsNullOrWhiteSpace(error.Problem));
            Assert.Empty(handler.Requests);
        }
    }

    [Fact]
    public async Task With_valid_arguments_every_method_sends_a_request()
    {
        // The other side of the matrix: the same invocation with nothing bad does reach the handler, so an empty
        // handler above means the argument was refused, not that the helper never called anything.
        foreach (var method in PathArgumentMatrix.Methods.Keys)
        {
            var before = _backendHandler.Requests.Count;
            try
            {
                await PathArgumentMatrix.InvokeAsync(_backend.Client, method);
            }
            catch (WachtException)
            {
                // "{}" is not every operation's body; sending is all this test needs.
            }

            Assert.True(_backendHandler.Requests.Count > before, $"{method} sent nothing");
        }
    }

    [Fact]
    public void The_matrix_covers_every_method_with_a_path_argument()
    {
        var covered = PathArgumentMatrix.PathArguments().Select(a => a.Method).ToHashSet();

        Assert.Equal(WachtOperations.All.Count, PathArgumentMatrix.Methods.Count);
        Assert.All(PathArgumentMatrix.Methods.Keys.Where(m => m != nameof(IWachtClient.ListOAuthAppsAsync)), m => Assert.Contains(m, covered));
    }

    private static string OperationName(string method) => char.ToLowerInvariant(method[0]) + method[1..^"Async".Length];
}
