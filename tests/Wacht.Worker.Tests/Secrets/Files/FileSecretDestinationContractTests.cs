using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using Wacht.Worker.Secrets;
using Wacht.Worker.Secrets.Files;

namespace Wacht.Worker.Tests.Secrets.Files;

/// <summary>
/// The destination contract on the file destination. Unreachable: the directory above the root is replaced by a regular
/// file (a missing mount). Forbidden: the client's directory has mode 0755 (the destination refuses unsafe
/// directories, whoever the worker runs as). Slow: another holder of the directory's lock.
/// </summary>
[UnsupportedOSPlatform("windows")] // Unix modes, links and owners
public sealed class FileSecretDestinationContractTests : SecretDestinationContractTests
{
    private readonly string _base = Directory.CreateTempSubdirectory("wacht-file-contract-").FullName;
    private readonly List<IDisposable> _held = [];
    private readonly List<string> _loosened = [];

    private string Mount => Path.Combine(_base, "mount");

    private string Root => Path.Combine(Mount, "secrets");

    protected override IEnumerable<SecretTarget> UnstorableTargets =>
    [
        new(Deployment, "v1..beta", "7283910238471000001", "oc_abc"),
        new(Deployment, App, "7283910238471000001", "oc_a/b"),
        new(Deployment, App, "7283910238471000001", "../../etc/passwd"),
        new(Deployment, App, "7283910238471000001", ".hidden"),
        new(Deployment, "", "7283910238471000001", "oc_abc"),
        new(Deployment, App, "7283910238471000001", "oc_\u001b[2J"),
    ];

    protected override Task<ISecretDestination> CreateDestinationAsync() => Task.FromResult(OpenAnotherInstance());

    protected override ISecretDestination OpenAnotherInstance() =>
        new FileSecretDestination(Root, LoggerFactory.CreateLogger<FileSecretDestination>());

    protected override Task DeleteBackingStoreAsync()
    {
        RestoreCore();
        Directory.Delete(_base, recursive: true);
        return Task.CompletedTask;
    }

    protected override Task MakeUnreachableAsync()
    {
        Directory.CreateDirectory(Mount);
        Directory.Move(Mount, Mount + ".away");
        File.WriteAllText(Mount, "not a directory");
        return Task.CompletedTask;
    }

    protected override Task MakeForbiddingAsync(string key)
    {
        var directory = Root;
        foreach (var segment in Path.GetDirectoryName(key)!.Split('/'))
        {
            directory = Path.Combine(directory, segment);
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        _loosened.Add(directory);
        return Task.CompletedTask;
    }

    protected override async Task MakeSlowAsync(string key)
    {
        var directory = SecretDirectory.Open(Root, Path.GetDirectoryName(key)!.Split('/'), create: true)!;
        _held.Add(directory);
        _held.Add(await directory.LockAsync(CancellationToken.None));
    }

    protected override Task RestoreAsync()
    {
        RestoreCore();
        return Task.CompletedTask;
    }

    private void RestoreCore()
    {
        foreach (var held in Enumerable.Reverse(_held))
        {
            held.Dispose();
        }

        _held.Clear();
        foreach (var directory in _loosened)
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _loosened.Clear();
        if (File.Exists(Mount))
        {
            File.Delete(Mount);
            Directory.Move(Mount + ".away", Mount);
        }
    }
}
