namespace Wacht.Worker.Secrets;

/// <summary>Where rotated secrets are delivered, bound to <c>Worker:Secrets</c>.</summary>
public sealed class SecretDestinationOptions
{
    /// <summary>The configuration section the options are bound to.</summary>
    public const string SectionPath = "Worker:Secrets";

    /// <summary>The destination name for <see cref="FileSecretDestination"/>.</summary>
    public const string FileDestination = "File";

    /// <summary>The destination kind; <c>File</c> (the default) is the only one for now. Case-insensitive.</summary>
    public string Destination { get; set; } = FileDestination;

    /// <summary>Settings of the file destination (<c>Worker:Secrets:File</c>).</summary>
    public FileSecretDestinationOptions File { get; set; } = new();
}

/// <summary>Settings of <see cref="FileSecretDestination"/>.</summary>
public sealed class FileSecretDestinationOptions
{
    /// <summary>The root directory of the secret files, relative to the current directory unless absolute. Default <c>secrets</c>.</summary>
    public string Directory { get; set; } = "secrets";
}
