using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Secrets.Files;

/// <summary>The <c>file</c> kind. Settings: <c>Directory</c> (the root; default <c>secrets</c>).</summary>
internal sealed class FileDestinationKind : ISecretDestinationKind
{
    public string Kind => FileSecretDestination.DestinationName;

    public IEnumerable<string> Validate(string path, IConfigurationSection section)
    {
        var directory = section["Directory"];
        if (directory is not null && string.IsNullOrWhiteSpace(directory))
        {
            yield return $"{path}:Directory: must be set to the directory that receives the secret files (default secrets)";
        }
        else if (directory is not null && directory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            yield return $"{path}:Directory: contains characters that are not valid in a path";
        }
        else if (NotADirectory(Path.GetFullPath(directory ?? "secrets")) is { } blocker)
        {
            // Found now rather than after Wacht has rotated a secret that then cannot be delivered.
            yield return $"{path}:Directory: '{blocker}' is a file, not a directory, so no secret could be delivered";
        }
    }

    /// <summary>
    /// The directory itself, or the nearest existing ancestor, when it is a file (so the directory cannot exist or be
    /// created); null when the directory exists or can be created below a directory.
    /// </summary>
    private static string? NotADirectory(string directory)
    {
        for (var current = directory; !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            if (Directory.Exists(current))
            {
                return null;
            }

            if (System.IO.File.Exists(current))
            {
                return current;
            }
        }

        return null;
    }

    public ISecretDestination Create(string name, IConfigurationSection section, IServiceProvider services) =>
        new FileSecretDestination(section["Directory"] ?? "secrets", services.GetService<ILogger<FileSecretDestination>>(), name);
}
