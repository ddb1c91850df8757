using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.Json;
using Wacht.Client;
using Wacht.Worker.Secrets;
using Wacht.Worker.Secrets.Files;

namespace Wacht.Worker.Tests.Secrets.Files;

/// <summary>What the file destination does beyond the contract: the file's format and modes, the key template, and the directory safety of issue 9 (defects 4 and 5).</summary>
[UnsupportedOSPlatform("windows")] // Unix modes, links and owners
public sealed class FileSecretDestinationTests : IDisposable
{
    private const string ClientId = "oc_Y2xpZW50LTQy_a-b";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private static readonly DateTimeOffset RotatedAt = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private static readonly SecretTarget Target = new("7283910238471", "billing", "client-42", ClientId);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "wacht-secrets-" + Guid.NewGuid().ToString("N"));
    private readonly string _outside = Path.Combine(Path.GetTempPath(), "wacht-outside-" + Guid.NewGuid().ToString("N"));
    private readonly FileSecretDestination _destination;

    public FileSecretDestinationTests()
    {
        _destination = new FileSecretDestination(_root);
    }

    private static string Key => $"7283910238471/billing/{ClientId}.json";

    private string FilePath => Path.Combine(_root, "7283910238471", "billing", ClientId + ".json");

    public void Dispose()
    {
        foreach (var directory in new[] { _root, _outside })
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public void NameAndKind_AreFile()
    {
        Assert.Equal("file", _destination.Name);
        Assert.Equal("file", _destination.Kind);
        Assert.Equal("archive", new FileSecretDestination(_root, name: "archive").Name);
    }

    [Fact]
    public void KeyFor_DefaultIsDeploymentAppAndClientWithForwardSlashes()
    {
        Assert.Equal(Key, _destination.KeyFor(Target, null));
    }

    [Theory]
    [InlineData("{appSlug}/{clientId}.json", "billing/oc_Y2xpZW50LTQy_a-b.json")]
    [InlineData("apps/{APPSLUG}-{oauthClientId}.json", "apps/billing-client-42.json")]
    [InlineData("{deploymentId}/{oauthClientId}", "7283910238471/client-42")]
    public void KeyFor_ExpandsTheTemplate(string template, string expected)
    {
        Assert.Equal(expected, _destination.KeyFor(Target, template));
    }

    [Theory]
    [InlineData("/abs/{clientId}.json")]
    [InlineData("../{clientId}.json")]
    [InlineData("{appSlug}//{clientId}")]
    [InlineData("{appSlug}/.{clientId}")]
    [InlineData("{appSlug}/{clientId}.json/")]
    [InlineData("{appSlug}/{clientId} x")]
    [InlineData("{appSlug}/{client}")]
    [InlineData("{appSlug}/{clientId")]
    [InlineData("{appSlug}/x.json")]
    public void KeyFor_TemplatesTheFileDestinationCannotUse_AreRefused(string template)
    {
        Assert.Throws<SecretKeyException>(() => _destination.KeyFor(Target, template));
    }

    /// <summary>Issue 9 defect 4, at the destination: the key is computed and checked without touching the disk, so the consumer can refuse before rotating.</summary>
    [Theory]
    [InlineData("", "billing", ClientId, "deploymentId")]
    [InlineData("7283910238471", "..", ClientId, "appSlug")]
    [InlineData("7283910238471", "v1..beta", ClientId, "appSlug")]
    [InlineData("7283910238471", "billing", "../etc/passwd", "clientId")]
    [InlineData("7283910238471", "billing", "oc_a/b", "clientId")]
    [InlineData("7283910238471", "bil/ling", ClientId, "appSlug")]
    [InlineData("7283910238471", "bil\\ling", ClientId, "appSlug")]
    [InlineData("7283910238471", "billing", "oc_a..b", "clientId")]
    [InlineData("7283910238471", ".", ClientId, "appSlug")]
    [InlineData("7283910238471", "billing", "oc_ä", "clientId")]
    [InlineData("7283910238471", "billing", "oc a", "clientId")]
    [InlineData("/7283910238471", "billing", ClientId, "deploymentId")]
    public void KeyFor_ValuesOutsideTheAllowedSet_AreRefusedNamingTheValue(string deploymentId, string appSlug, string clientId, string field)
    {
        var ex = Assert.Throws<SecretKeyException>(() => _destination.KeyFor(new SecretTarget(deploymentId, appSlug, "client-42", clientId), null));

        Assert.Equal(field, ex.ParamName);
        Assert.Contains($"The {field} '", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_root));
    }

    [Theory]
    [InlineData("7283910238471/../billing/x.json")]
    [InlineData("/etc/x.json")]
    [InlineData("a//b.json")]
    public async Task Deliver_KeyThatKeyForWouldNeverProduce_IsRefusedAtWriteTimeToo(string key)
    {
        await Assert.ThrowsAsync<SecretKeyException>(() => _destination.DeliverAsync(key, Delivery("oc_secret_first"), CancellationToken.None));
        await Assert.ThrowsAsync<SecretKeyException>(() => _destination.PreflightAsync(key, Target, CancellationToken.None));
        Assert.False(Directory.Exists(_root));
    }

    [Fact]
    public async Task Deliver_WritesTheJsonDocumentAtTheKey()
    {
        var delivery = Delivery("oc_secret_first");

        var result = await _destination.DeliverAsync(Key, delivery, CancellationToken.None);

        Assert.Equal(Key, result.Key);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(FilePath));
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
    public async Task Preflight_CreatesOwnerOnlyDirectories_AndDeliverAnOwnerOnlyFile()
    {
        await _destination.PreflightAsync(Key, Target, CancellationToken.None);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(_root));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(_root, "7283910238471")));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(_root, "7283910238471", "billing")));
        Assert.False(File.Exists(FilePath));

        await _destination.DeliverAsync(Key, Delivery("oc_secret_first"), CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
    }

    [Fact]
    public async Task Deliver_Again_ReplacesTheSecretAndLeavesNoTempFiles()
    {
        await _destination.DeliverAsync(Key, Delivery("oc_secret_first"), CancellationToken.None);

        await _destination.DeliverAsync(Key, Delivery("oc_secret_second", RotatedAt.AddMinutes(1)), CancellationToken.None);

        var record = await _destination.ReadAsync(Key, CancellationToken.None);
        Assert.Equal("oc_secret_second", record!.Secret.Reveal());
        Assert.Equal([FilePath], Directory.GetFiles(Path.Combine(_root, "7283910238471", "billing")));
    }

    [Fact]
    public async Task Deliver_RemovesTempFilesACrashLeftBehindForThatFile_AndOnlyThose()
    {
        await _destination.DeliverAsync(Key, Delivery("oc_secret_first"), CancellationToken.None);
        var directory = Path.Combine(_root, "7283910238471", "billing");
        var leftover = Path.Combine(directory, $".{ClientId}.0123456789abcdef0123456789abcdef.tmp");
        var otherClients = Path.Combine(directory, ".oc_other.0123456789abcdef0123456789abcdef.tmp");
        await File.WriteAllTextAsync(leftover, "{\"client_secret\":\"oc_secret_from_a_crash\"}");
        await File.WriteAllTextAsync(otherClients, "{}");

        await _destination.DeliverAsync(Key, Delivery("oc_secret_second", RotatedAt.AddMinutes(1)), CancellationToken.None);

        Assert.False(File.Exists(leftover));
        Assert.True(File.Exists(otherClients));
    }

    [Fact]
    public async Task Deliver_SameSecretTwice_LeavesTheSameFileUntouched()
    {
        var delivery = Delivery("oc_secret_first");
        await _destination.DeliverAsync(Key, delivery, CancellationToken.None);
        var first = await File.ReadAllBytesAsync(FilePath);
        var written = File.GetLastWriteTimeUtc(FilePath);

        var again = await _destination.DeliverAsync(Key, delivery, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.AlreadyCurrent, again.Outcome);
        Assert.Equal(first, await File.ReadAllBytesAsync(FilePath));
        Assert.Equal(written, File.GetLastWriteTimeUtc(FilePath));
    }

    [Fact]
    public async Task Deliver_WhenADirectoryIsInTheWay_FailsInPreflightAndAtWriteTime_AndLeavesNoTempFile()
    {
        CreateOwnerOnly(FilePath);

        var preflight = await Assert.ThrowsAsync<SecretDestinationException>(() => _destination.PreflightAsync(Key, Target, CancellationToken.None));
        await Assert.ThrowsAsync<SecretDestinationException>(() => _destination.DeliverAsync(Key, Delivery("oc_secret_first"), CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Invalid, preflight.Reason);
        Assert.Contains(FilePath, preflight.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "7283910238471", "billing")));
    }

    [Fact]
    public async Task Read_ReturnsWhatWasDelivered_AndRedactsTheSecretInToString()
    {
        var delivery = Delivery("oc_secret_first");
        await _destination.DeliverAsync(Key, delivery, CancellationToken.None);

        var record = await _destination.ReadAsync("7283910238471", "billing", ClientId, CancellationToken.None);

        Assert.NotNull(record);
        Assert.Equal(ClientId, record.ClientId);
        Assert.Equal(new ClientSecret("oc_secret_first"), record.Secret);
        Assert.Equal(RotatedAt, record.RotatedAt);
        Assert.Equal(delivery.CommandId, record.CommandId);
        Assert.DoesNotContain("oc_secret_first", record.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_OverAFileItCannotRead_ReplacesIt_WithoutLoggingItsContent()
    {
        CreateOwnerOnly(Path.GetDirectoryName(FilePath)!);
        await File.WriteAllTextAsync(FilePath, "{\"client_secret\":\"oc_secret_hand_written\"");

        var result = await _destination.DeliverAsync(Key, Delivery("oc_secret_first"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Written, result.Outcome);
        Assert.Equal("oc_secret_first", (await _destination.ReadAsync(Key, CancellationToken.None))!.Secret.Reveal());
    }

    /// <summary>Issue 9 defect 5: a planted directory symlink was followed and the secret written outside the root.</summary>
    [Fact]
    public async Task Deliver_PlantedDirectorySymlink_IsNotFollowed()
    {
        Directory.CreateDirectory(_outside);
        CreateOwnerOnly(Path.Combine(_root, "7283910238471"));
        var link = Path.Combine(_root, "7283910238471", "billing");
        Directory.CreateSymbolicLink(link, _outside);

        var preflight = await Assert.ThrowsAsync<SecretDestinationException>(() => _destination.PreflightAsync(Key, Target, CancellationToken.None));
        var delivery = await Assert.ThrowsAsync<SecretDestinationException>(() => _destination.DeliverAsync(Key, Delivery("oc_secret_first"), CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Forbidden, preflight.Reason);
        Assert.Equal($"{link} is a symbolic link, not a directory; the file destination refuses to write through it. Remove it (the worker recreates it with mode 0700).", preflight.Message);
        Assert.Equal(preflight.Message, delivery.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_outside));
        Assert.Equal(SecretDestinationFailure.Forbidden, (await Assert.ThrowsAsync<SecretDestinationException>(() => _destination.ReadAsync(Key, CancellationToken.None))).Reason);
    }

    [Fact]
    public async Task Deliver_PlantedSymlinkAtTheDeploymentDirectory_IsNotFollowed()
    {
        Directory.CreateDirectory(_outside);
        CreateOwnerOnly(_root);
        Directory.CreateSymbolicLink(Path.Combine(_root, "7283910238471"), _outside);

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => _destination.DeliverAsync(Key, Delivery("oc_secret_first"), CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Forbidden, ex.Reason);
        Assert.Contains(Path.Combine(_root, "7283910238471"), ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_outside));
    }

    [Fact]
    public async Task Deliver_DirectoryWithAWiderMode_IsRefusedNamingThePath()
    {
        var app = Path.Combine(_root, "7283910238471", "billing");
        CreateOwnerOnly(app);
        File.SetUnixFileMode(app, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => _destination.PreflightAsync(Key, Target, CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Forbidden, ex.Reason);
        Assert.Equal($"The secrets directory {app} has mode 0755, not 0700; the file destination writes only into owner-only directories of its own user. Fix or remove it.", ex.Message);
        Assert.False(File.Exists(FilePath));
    }

    [Fact]
    public async Task Deliver_DirectoryOwnedByAnotherUser_IsRefused()
    {
        if (Environment.UserName != "root")
        {
            return; // Only root can hand a directory to another user; CI runs as root.
        }

        var app = Path.Combine(_root, "7283910238471", "billing");
        CreateOwnerOnly(app);
        using (var chown = Process.Start("chown", ["65534", app]))
        {
            await chown.WaitForExitAsync();
            Assert.Equal(0, chown.ExitCode);
        }

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => _destination.DeliverAsync(Key, Delivery("oc_secret_first"), CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Forbidden, ex.Reason);
        Assert.Contains($"{app} is owned by uid 65534, not by the worker's user (uid 0)", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(app));
    }

    [Fact]
    public async Task Deliver_SymlinkAtTheFilePath_IsReplacedByTheFile_AndItsTargetIsUntouched()
    {
        Directory.CreateDirectory(_outside);
        var victim = Path.Combine(_outside, "victim.json");
        await File.WriteAllTextAsync(victim, "untouched");
        CreateOwnerOnly(Path.GetDirectoryName(FilePath)!);
        File.CreateSymbolicLink(FilePath, victim);

        var result = await _destination.DeliverAsync(Key, Delivery("oc_secret_first"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Written, result.Outcome);
        Assert.Null(new FileInfo(FilePath).LinkTarget);
        Assert.Equal("untouched", await File.ReadAllTextAsync(victim));
        Assert.Equal("oc_secret_first", (await _destination.ReadAsync(Key, CancellationToken.None))!.Secret.Reveal());
    }

    [Fact]
    public async Task Preflight_RootThatIsAFile_IsUnreachable()
    {
        await File.WriteAllTextAsync(_root, "not a directory");
        try
        {
            var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => _destination.PreflightAsync(Key, Target, CancellationToken.None));

            Assert.Equal(SecretDestinationFailure.Unreachable, ex.Reason);
            Assert.Contains(_root, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(_root);
        }
    }

    /// <summary>Creates the directory and its missing parents under the root one by one, each 0700 (as the destination does).</summary>
    private void CreateOwnerOnly(string directory)
    {
        var path = Path.GetDirectoryName(_root)!;
        foreach (var segment in Path.GetRelativePath(path, directory).Split(Path.DirectorySeparatorChar))
        {
            path = Path.Combine(path, segment);
            Directory.CreateDirectory(path, OwnerOnly);
        }
    }

    private static SecretDelivery Delivery(string secret, DateTimeOffset? rotatedAt = null) =>
        new(Guid.NewGuid(), "7283910238471", "billing", "client-42", ClientId, new ClientSecret(secret), rotatedAt ?? RotatedAt);
}
