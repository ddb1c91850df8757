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
        else if (System.IO.File.Exists(Path.GetFullPath(directory ?? "secrets")))
        {
            yield return $"{path}:Directory: '{directory ?? "secrets"}' is a file, not a directory";
        }
    }

    public ISecretDestination Create(string name, IConfigurationSection section, IServiceProvider services) =>
        new FileSecretDestination(section["Directory"] ?? "secrets", services.GetService<ILogger<FileSecretDestination>>(), name);
}
