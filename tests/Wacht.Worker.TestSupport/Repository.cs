namespace Wacht.Worker.TestSupport;

/// <summary>The checkout the tests run from: found by walking up from the test's output directory to Wacht.Worker.sln.</summary>
public static class Repository
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !System.IO.File.Exists(Path.Combine(directory.FullName, "Wacht.Worker.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"Wacht.Worker.sln not found above {AppContext.BaseDirectory}.");
    });

    public static string Root => RootPath.Value;

    /// <summary>A path under the repository root, from '/'-separated segments.</summary>
    public static string File(string relativePath) => Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));
}
