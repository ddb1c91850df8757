using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Cli;

/// <summary>
/// Issue 10, defect 5: the worker started from another working directory reads the appsettings.json beside its binary,
/// and relative paths in its settings resolve against that directory (the content root), not against wherever the
/// operator happened to start it.
/// </summary>
public sealed class ContentRootTests
{
    [Fact]
    public async Task StartedFromAnotherDirectory_ReadsTheSettingsBesideTheBinary_AndResolvesRelativePathsThere()
    {
        using var scratch = new ScratchDirectory();
        var app = Path.Combine(scratch.Path, "app");
        var elsewhere = Directory.CreateDirectory(Path.Combine(scratch.Path, "elsewhere")).FullName;
        RepositoryPaths.CopyDirectory(RepositoryPaths.WorkerBuildDirectory, app);
        Directory.CreateDirectory(Path.Combine(app, "seed"));
        File.Copy(RepositoryPaths.DemoSeed, Path.Combine(app, "seed", "demo-seed.json"));
        await File.WriteAllTextAsync(Path.Combine(app, "appsettings.json"), """
            {
              "Logging": { "LogLevel": { "Default": "Warning" } },
              "Worker": {
                "Embedded": { "Enabled": true, "SeedPath": "seed/demo-seed.json" },
                "Messaging": { "Transport": "InMemory" },
                "Ledger": { "Provider": "Sqlite", "SqlitePath": "state/ledger.db" },
                "Secrets": { "Destination": "File", "File": { "Directory": "state/secrets" } }
              }
            }
            """);

        var run = await WorkerProcess.RunAsync(
            ["demo"], environmentName: "Development", workingDirectory: elsewhere, workerDll: Path.Combine(app, "Wacht.Worker.dll"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(RepositoryPaths.DemoSeedDeployment, run.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(app, "state", "ledger.db")), "the ledger belongs under the content root");
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(app, "state", "secrets"), "*.json", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
    }

    [Fact]
    public async Task DotnetContentRoot_ChoosesAnotherContentRoot()
    {
        using var scratch = new ScratchDirectory();
        var root = Directory.CreateDirectory(Path.Combine(scratch.Path, "root")).FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "appsettings.json"), $$"""
            {
              "Logging": { "LogLevel": { "Default": "Warning" } },
              "Worker": {
                "Embedded": { "Enabled": true, "SeedPath": "{{RepositoryPaths.DemoSeed.Replace("\\", "\\\\", StringComparison.Ordinal)}}" },
                "Messaging": { "Transport": "InMemory" },
                "Ledger": { "SqlitePath": "data/ledger.db" },
                "Secrets": { "File": { "Directory": "data/secrets" } }
              }
            }
            """);

        var run = await WorkerProcess.RunAsync(
            ["sweep", "--dry-run"],
            environmentName: "Development",
            workingDirectory: scratch.Path,
            environment: new Dictionary<string, string?> { ["DOTNET_CONTENTROOT"] = root });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(Path.Combine(root, "data", "ledger.db")), run.ToString());
    }
}
