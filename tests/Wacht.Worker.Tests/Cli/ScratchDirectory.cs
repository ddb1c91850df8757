using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Cli;

/// <summary>A temporary directory for one process-level test, and settings for an embedded (development) run in it.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory()
    {
        Path = Directory.CreateTempSubdirectory("wacht-worker-cli-").FullName;
    }

    public string Path { get; }

    public string LedgerPath => System.IO.Path.Combine(Path, "ledger.db");

    public string SecretsDirectory => System.IO.Path.Combine(Path, "secrets");

    /// <summary>
    /// The embedded default pointed at this directory: the emulator in-process with the demo seed, the in-memory
    /// transport, the ledger and the secrets here, and quiet logs.
    /// </summary>
    public Dictionary<string, string?> EmbeddedSettings() => new()
    {
        ["Worker:Embedded:Enabled"] = "true",
        ["Worker:Embedded:SeedPath"] = RepositoryPaths.DemoSeed,
        ["Worker:Messaging:Transport"] = "InMemory",
        ["Worker:Ledger:SqlitePath"] = LedgerPath,
        ["Worker:Secrets:File:Directory"] = SecretsDirectory,
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>Writes a file with the given Unix mode and returns its path.</summary>
    public string WriteFile(string name, string content, UnixFileMode mode)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }

        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary directory is harmless.
        }
    }
}
