using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Wacht.Client;

namespace Wacht.Worker.Secrets;

/// <summary>
/// Delivers secrets as JSON files under a root directory: <c>{deploymentId}/{appSlug}/{clientId}.json</c>. Directories
/// are created owner-only (0700) and files owner read/write (0600). A file is replaced atomically: written to a temp
/// file in the same directory, flushed to disk, then renamed over the old one. Delivering the same secret twice leaves
/// the same file.
/// </summary>
public sealed class FileSecretDestination : ISecretDestination
{
    /// <summary>The destination's name as reported in <c>SecretRotated.Destination</c>.</summary>
    public const string DestinationName = "file";

    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly ILogger _logger;

    public FileSecretDestination(IOptions<SecretDestinationOptions> options, ILogger<FileSecretDestination> logger)
        : this(options?.Value.File.Directory!, logger)
    {
    }

    /// <param name="rootDirectory">The root directory; relative paths are resolved against the current directory.</param>
    public FileSecretDestination(string rootDirectory, ILogger<FileSecretDestination>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        RootDirectory = Path.GetFullPath(rootDirectory);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The absolute root directory.</summary>
    public string RootDirectory { get; }

    public string Name => DestinationName;

    public string KeyFor(string deploymentId, string appSlug, string clientId)
    {
        CheckComponent(deploymentId, nameof(deploymentId));
        CheckComponent(appSlug, nameof(appSlug));
        CheckComponent(clientId, nameof(clientId));
        return $"{deploymentId}/{appSlug}/{clientId}.json";
    }

    public async Task<string> DeliverAsync(SecretDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var key = KeyFor(delivery.DeploymentId, delivery.AppSlug, delivery.ClientId);
        var finalPath = FullPathOf(key);
        var directory = Path.GetDirectoryName(finalPath)!;
        CreateDirectory(RootDirectory);
        CreateDirectory(Path.Combine(RootDirectory, delivery.DeploymentId));
        CreateDirectory(directory);

        // A crash between writing and renaming leaves a temp file holding a secret in clear: remove any such leftover
        // of this client before writing a new one.
        foreach (var leftover in Directory.EnumerateFiles(directory, $".{delivery.ClientId}.*.tmp"))
        {
            TryDelete(leftover);
        }

        var tempPath = Path.Combine(directory, $".{delivery.ClientId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var fileOptions = new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
            };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = FileMode;
            }

            await using (var stream = new FileStream(tempPath, fileOptions))
            {
                await using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                {
                    writer.WriteStartObject();
                    writer.WriteString("client_id", delivery.ClientId);
                    writer.WriteString("client_secret", delivery.Secret.Reveal());
                    writer.WriteString("deployment_id", delivery.DeploymentId);
                    writer.WriteString("app_slug", delivery.AppSlug);
                    writer.WriteString("oauth_client_id", delivery.OAuthClientId);
                    writer.WriteString("rotated_at", delivery.RotatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                    writer.WriteString("command_id", delivery.CommandId.ToString("D"));
                    writer.WriteEndObject();
                    await writer.FlushAsync(cancellationToken);
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(tempPath, finalPath, overwrite: true);

            // The caller erases its own copy of the secret once this returns: the rename must be on disk too.
            DirectorySync.Flush(directory);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }

        SecretsLog.DeliveredToFile(_logger, delivery.ClientId, delivery.AppSlug, delivery.DeploymentId, delivery.Secret.Fingerprint, key);
        return key;
    }

    /// <summary>Reads back the secret file of a client, or null when there is none.</summary>
    public async Task<FileSecretRecord?> ReadAsync(string deploymentId, string appSlug, string clientId, CancellationToken cancellationToken)
    {
        var path = FullPathOf(KeyFor(deploymentId, appSlug, clientId));
        FileStream stream;
        try
        {
            stream = new FileStream(path, System.IO.FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        await using (stream)
        {
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            var root = document.RootElement;
            return new FileSecretRecord(
                root.GetProperty("client_id").GetString()!,
                new ClientSecret(root.GetProperty("client_secret").GetString()!),
                root.GetProperty("deployment_id").GetString()!,
                root.GetProperty("app_slug").GetString()!,
                root.GetProperty("oauth_client_id").GetString()!,
                DateTimeOffset.Parse(root.GetProperty("rotated_at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                Guid.Parse(root.GetProperty("command_id").GetString()!));
        }
    }

    private string FullPathOf(string key) => Path.Combine(RootDirectory, key.Replace('/', Path.DirectorySeparatorChar));

    private static void CreateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            // Applies 0700 to the directory when it creates it (existing ones are left as they are). Missing parents
            // would get the default mode, so the caller creates root, deployment and app directory one by one.
            Directory.CreateDirectory(directory, DirectoryMode);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original failure is what matters.
        }
    }

    /// <summary>
    /// A path component comes from Wacht (deployment id, app slug, <c>oc_</c> + base64url client id): it must be
    /// non-empty, not <c>.</c> or <c>..</c>, and only contain <c>[A-Za-z0-9._:-]</c> (and <c>_</c>).
    /// </summary>
    private static void CheckComponent(string value, string parameterName)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The {parameterName} of a secret file must not be empty.", parameterName);
        }

        if (value.Contains("..", StringComparison.Ordinal) || value == ".")
        {
            throw new ArgumentException($"The {parameterName} '{value}' must not contain '..' or be '.'.", parameterName);
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
            {
                throw new ArgumentException(
                    $"The {parameterName} '{Printable(value)}' contains a character that is not allowed in a secret file path (allowed: A-Z a-z 0-9 . _ : -).",
                    parameterName);
            }
        }
    }

    private static string Printable(string value) =>
        string.Concat(value.Select(static c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
