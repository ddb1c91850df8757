using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wacht.Client;
using Wacht.Worker.Secrets;

namespace Wacht.Worker.Tests.Secrets;

public sealed class FileSecretDestinationTests : IDisposable
{
    private const string ClientId = "oc_Y2xpZW50LTQy_a-b";
    private static readonly DateTimeOffset RotatedAt = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "wacht-secrets-" + Guid.NewGuid().ToString("N"));
    private readonly FileSecretDestination _destination;

    public FileSecretDestinationTests()
    {
        _destination = new FileSecretDestination(_root);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Name_IsFile()
    {
        Assert.Equal("file", _destination.Name);
    }

    [Fact]
    public void KeyFor_IsDeploymentAppAndClientWithForwardSlashes()
    {
        Assert.Equal($"7283910238471/billing/{ClientId}.json", _destination.KeyFor("7283910238471", "billing", ClientId));
    }

    [Theory]
    [InlineData("", "billing", ClientId)]
    [InlineData("7283910238471", "..", ClientId)]
    [InlineData("7283910238471", "billing", "../etc/passwd")]
    [InlineData("7283910238471", "bil/ling", ClientId)]
    [InlineData("7283910238471", "bil\\ling", ClientId)]
    [InlineData("7283910238471", "billing", "oc_a..b")]
    [InlineData("7283910238471", ".", ClientId)]
    [InlineData("7283910238471", "billing", "oc_ä")]
    [InlineData("7283910238471", "billing", "oc a")]
    [InlineData("/7283910238471", "billing", ClientId)]
    public async Task PathComponents_OutsideTheAllowedSet_AreRejected(string deploymentId, string appSlug, string clientId)
    {
        Assert.Throws<ArgumentException>(() => _destination.KeyFor(deploymentId, appSlug, clientId));
        await Assert.ThrowsAsync<ArgumentException>(() => _destination.DeliverAsync(Delivery("s") with
        {
            DeploymentId = deploymentId,
            AppSlug = appSlug,
            ClientId = clientId,
        }, CancellationToken.None));
        Assert.False(Directory.Exists(_root) && Directory.EnumerateFileSystemEntries(_root, "*", SearchOption.AllDirectories).Any(static p => p.EndsWith(".json", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Deliver_WritesTheJsonDocumentAtTheKey()
    {
        var delivery = Delivery("oc_secret_first");

        var key = await _destination.DeliverAsync(delivery, CancellationToken.None);

        Assert.Equal($"7283910238471/billing/{ClientId}.json", key);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_root, "7283910238471", "billing", ClientId + ".json")));
        var root = document.RootElement;
        Assert.Equal(ClientId, root.GetProperty("client_id").GetString());
        Assert.Equal("oc_secret_first", root.GetProperty("client_secret").GetString());
        Assert.Equal("7283910238471", root.GetProperty("deployment_id").GetString());
        Assert.Equal("billing", root.GetProperty("app_slug").GetString());
        Assert.Equal("client-42", root.GetProperty("oauth_client_id").GetString());
        Assert.Equal("2026-03-04T05:06:07.0000000Z", root.GetProperty("rotated_at").GetString());
        Assert.Equal(delivery.CommandId.ToString("D"), root.GetProperty("command_id").GetString());
        Assert.Equal(7, root.EnumerateObject().Count());
    }

    [Fact]
    public async Task Deliver_CreatesOwnerOnlyDirectoriesAndFile()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes only.
        }

        await _destination.DeliverAsync(Delivery("oc_secret_first"), CancellationToken.None);

        const UnixFileMode directoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(directoryMode, File.GetUnixFileMode(_root));
        Assert.Equal(directoryMode, File.GetUnixFileMode(Path.Combine(_root, "7283910238471")));
        Assert.Equal(directoryMode, File.GetUnixFileMode(Path.Combine(_root, "7283910238471", "billing")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_root, "7283910238471", "billing", ClientId + ".json")));
    }

    [Fact]
    public async Task Deliver_Again_ReplacesTheSecretAndLeavesNoTempFiles()
    {
        await _destination.DeliverAsync(Delivery("oc_secret_first"), CancellationToken.None);

        await _destination.DeliverAsync(Delivery("oc_secret_second"), CancellationToken.None);

        var record = await _destination.ReadAsync("7283910238471", "billing", ClientId, CancellationToken.None);
        Assert.Equal("oc_secret_second", record!.Secret.Reveal());
        var files = Directory.GetFiles(Path.Combine(_root, "7283910238471", "billing"));
        Assert.Equal([Path.Combine(_root, "7283910238471", "billing", ClientId + ".json")], files);
    }

    [Fact]
    public async Task Deliver_RemovesTempFilesACrashLeftBehindForThatClient_AndOnlyThose()
    {
        await _destination.DeliverAsync(Delivery("oc_secret_first"), CancellationToken.None);
        var directory = Path.Combine(_root, "7283910238471", "billing");
        var leftover = Path.Combine(directory, $".{ClientId}.0123456789abcdef.tmp");
        var otherClients = Path.Combine(directory, ".oc_other.0123456789abcdef.tmp");
        await File.WriteAllTextAsync(leftover, "{\"client_secret\":\"oc_secret_from_a_crash\"}");
        await File.WriteAllTextAsync(otherClients, "{}");

        await _destination.DeliverAsync(Delivery("oc_secret_second"), CancellationToken.None);

        Assert.False(File.Exists(leftover));
        Assert.True(File.Exists(otherClients));
    }

    [Fact]
    public async Task Deliver_SameSecretTwice_LeavesTheSameFile()
    {
        var delivery = Delivery("oc_secret_first");
        await _destination.DeliverAsync(delivery, CancellationToken.None);
        var path = Path.Combine(_root, "7283910238471", "billing", ClientId + ".json");
        var first = await File.ReadAllBytesAsync(path);

        await _destination.DeliverAsync(delivery, CancellationToken.None);

        Assert.Equal(first, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Deliver_WhenTheTargetCannotBeReplaced_RemovesTheTempFile()
    {
        // A directory where the file should go makes the final rename fail after the temp file was written.
        Directory.CreateDirectory(Path.Combine(_root, "7283910238471", "billing", ClientId + ".json"));

        await Assert.ThrowsAnyAsync<IOException>(() => _destination.DeliverAsync(Delivery("oc_secret_first"), CancellationToken.None));

        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "7283910238471", "billing")));
    }

    [Fact]
    public async Task Deliver_PlantedDirectorySymlink_IsNotFollowed()
    {
        // Issue 9 defect 5 (before the fix): the secret was written through the link, outside the root.
        var outside = Path.Combine(Path.GetTempPath(), "wacht-outside-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outside);
        try
        {
            Directory.CreateDirectory(Path.Combine(_root, "7283910238471"));
            Directory.CreateSymbolicLink(Path.Combine(_root, "7283910238471", "billing"), outside);

            await Assert.ThrowsAnyAsync<Exception>(() => _destination.DeliverAsync(Delivery("oc_secret_first"), CancellationToken.None));

            Assert.Empty(Directory.GetFileSystemEntries(outside));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task Read_ReturnsWhatWasDelivered()
    {
        var delivery = Delivery("oc_secret_first");
        await _destination.DeliverAsync(delivery, CancellationToken.None);

        var record = await _destination.ReadAsync("7283910238471", "billing", ClientId, CancellationToken.None);

        Assert.NotNull(record);
        Assert.Equal(ClientId, record.ClientId);
        Assert.Equal(new ClientSecret("oc_secret_first"), record.Secret);
        Assert.Equal("client-42", record.OAuthClientId);
        Assert.Equal(RotatedAt, record.RotatedAt);
        Assert.Equal(delivery.CommandId, record.CommandId);
        Assert.DoesNotContain("oc_secret_first", record.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_WhenNothingWasDelivered_ReturnsNull()
    {
        Assert.Null(await _destination.ReadAsync("7283910238471", "billing", ClientId, CancellationToken.None));
    }

    [Theory]
    [InlineData("file")]
    [InlineData("FILE")]
    [InlineData(null)]
    public void Options_FileDestination_IsAcceptedCaseInsensitively(string? destination)
    {
        var settings = new Dictionary<string, string?> { ["Worker:Secrets:File:Directory"] = _root };
        if (destination is not null)
        {
            settings["Worker:Secrets:Destination"] = destination;
        }

        using var provider = Build(settings);

        var resolved = Assert.IsType<FileSecretDestination>(provider.GetRequiredService<ISecretDestination>());
        Assert.Equal(_root, resolved.RootDirectory);
    }

    [Fact]
    public void Options_UnknownDestination_FailsNamingTheSetting()
    {
        using var provider = Build(new() { ["Worker:Secrets:Destination"] = "Vault" });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SecretDestinationOptions>>().Value);

        Assert.StartsWith("Worker:Secrets:Destination:", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_DefaultDirectory_IsSecrets()
    {
        using var provider = Build([]);

        Assert.Equal("secrets", provider.GetRequiredService<IOptions<SecretDestinationOptions>>().Value.File.Directory);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddWachtSecretDestinations();
        services.AddWachtSecretDestinations();
        return services.BuildServiceProvider();
    }

    private static SecretDelivery Delivery(string secret) =>
        new(Guid.Parse("0d8a4a6e-5d35-4c32-9a3e-7e7c8c0f1b22"), "7283910238471", "billing", "client-42", ClientId, new ClientSecret(secret), RotatedAt);
}
