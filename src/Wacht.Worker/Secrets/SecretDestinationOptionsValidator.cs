using Microsoft.Extensions.Options;

namespace Wacht.Worker.Secrets;

/// <summary>Validates <see cref="SecretDestinationOptions"/> at start; each message begins with the setting to fix.</summary>
internal sealed class SecretDestinationOptionsValidator : IValidateOptions<SecretDestinationOptions>
{
    public ValidateOptionsResult Validate(string? name, SecretDestinationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string path = SecretDestinationOptions.SectionPath;
        if (!string.Equals(options.Destination?.Trim(), SecretDestinationOptions.FileDestination, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{path}:Destination: must be File (the only destination available), got '{options.Destination}'");
        }
        else if (options.File is null || string.IsNullOrWhiteSpace(options.File.Directory))
        {
            failures.Add($"{path}:File:Directory: must be set to the directory that receives the secret files (default secrets)");
        }
        else if (options.File.Directory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{path}:File:Directory: contains characters that are not valid in a path");
        }
        else if (NotADirectory(Path.GetFullPath(options.File.Directory)) is { } blocker)
        {
            // Found now rather than after Wacht has rotated a secret that then cannot be delivered.
            failures.Add($"{path}:File:Directory: '{blocker}' is a file, not a directory, so no secret could be delivered");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
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

            if (File.Exists(current))
            {
                return current;
            }
        }

        return null;
    }
}
