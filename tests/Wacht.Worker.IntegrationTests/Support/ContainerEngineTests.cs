using DotNet.Testcontainers.Builders;
using Wacht.Worker.IntegrationTests.Deploy;

namespace Wacht.Worker.IntegrationTests.Support;

/// <summary>
/// The fixtures' container path on an engine that lacks the image and has no registry to pull it from (a machine
/// without the images `bash .ci/containers up` builds): the fixture falls back to the environment's server, naming the
/// image and the fallback, instead of failing; unless containers are required.
/// </summary>
public sealed class ContainerEngineTests
{
    [DockerFact]
    public async Task AnEngineWithoutTheImage_FallsBack_NamingTheImageTheCauseAndTheFallback()
    {
        var image = AbsentImage();
        var messages = new List<string>();

        var container = await ContainerEngine.TryStartAsync(
            image,
            pullPolicy => new ContainerBuilder(image).WithImagePullPolicy(pullPolicy).Build(),
            "the server named by WACHT_TEST_SOMETHING",
            required: false,
            messages.Add);

        Assert.Null(container);
        var message = Assert.Single(messages);
        Assert.StartsWith("Testcontainers: the engine at ", message, StringComparison.Ordinal);
        Assert.Contains($" has no image {image} and could not pull it, after ", message, StringComparison.Ordinal);
        Assert.EndsWith("; using the server named by WACHT_TEST_SOMETHING instead.", message, StringComparison.Ordinal);
        TestDiagnostics.Report("(ContainerEngineTests, an absent image on purpose) " + message);
    }

    [DockerFact]
    public async Task Required_AnEngineWithoutTheImage_FailsTheTest_WithTheCause()
    {
        var image = AbsentImage();
        var messages = new List<string>();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ContainerEngine.TryStartAsync(
            image,
            pullPolicy => new ContainerBuilder(image).WithImagePullPolicy(pullPolicy).Build(),
            "the server named by WACHT_TEST_SOMETHING",
            required: true,
            messages.Add));

        Assert.StartsWith("WACHT_TEST_CONTAINERS=required and the engine at ", failure.Message, StringComparison.Ordinal);
        Assert.Contains($" has no image {image} and could not pull it", failure.Message, StringComparison.Ordinal);
        Assert.Empty(messages);
    }

    /// <summary>A name no engine has and no registry serves.</summary>
    private static string AbsentImage() => $"wacht-test/absent-{Guid.NewGuid():N}:never";
}
