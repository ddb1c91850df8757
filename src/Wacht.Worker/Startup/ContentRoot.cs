namespace Wacht.Worker.Startup;

/// <summary>
/// Where the worker reads appsettings.json and appsettings.{Environment}.json, and what relative paths in its settings
/// (the SQLite ledger, the secrets directory, key files, the emulator seed) resolve against: the directory of the
/// binary, or <c>DOTNET_CONTENTROOT</c> when set (relative to the working directory). The process makes it its working
/// directory at start, so the same configuration means the same files whichever directory the worker is started from.
/// </summary>
internal static class ContentRoot
{
    /// <summary>The environment variable that chooses another content root (the .NET host's own name for it).</summary>
    public const string Variable = "DOTNET_CONTENTROOT";

    /// <summary>The content root: <paramref name="configured"/> (made absolute) when set, else <paramref name="binaryDirectory"/>.</summary>
    public static string Resolve(string? configured, string binaryDirectory) =>
        string.IsNullOrWhiteSpace(configured) ? Path.GetFullPath(binaryDirectory) : Path.GetFullPath(configured.Trim());
}
