namespace Wacht.Worker.TestSupport;

/// <summary>Paths in the repository the tests run from (found by walking up to <c>Wacht.Worker.sln</c>).</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Wacht.Worker.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Wacht.Worker.sln above {AppContext.BaseDirectory}.");
    });

    /// <summary>The repository root.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>The emulator's demo seed (<c>deploy/emulator/demo-seed.json</c>).</summary>
    public static string DemoSeed => Path.Combine(RepositoryRoot, "deploy", "emulator", "demo-seed.json");

    /// <summary>The deployment id of the demo seed's first deployment.</summary>
    public const string DemoSeedDeployment = "7283910238470100001";

    /// <summary>
    /// The worker project's own build output for the configuration and framework the tests were built with
    /// (<c>src/Wacht.Worker/bin/Debug/net10.0</c>): what <c>dotnet publish</c> would ship, with its appsettings.json.
    /// </summary>
    public static string WorkerBuildDirectory
    {
        get
        {
            // The test assembly sits in tests/<project>/bin/<configuration>/<framework>/.
            var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = framework.Parent!;
            return Path.Combine(RepositoryRoot, "src", "Wacht.Worker", "bin", configuration.Name, framework.Name);
        }
    }

    /// <summary>Copies a directory tree (files only, no links).</summary>
    public static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(destination, Path.GetRelativePath(source, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(destination, Path.GetRelativePath(source, file)));
        }
    }
}
