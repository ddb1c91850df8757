using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Wacht.Client;

namespace Wacht.Worker.Secrets.Files;

/// <summary>
/// Delivers secrets as JSON files under a root directory, by default at <c>{deploymentId}/{appSlug}/{clientId}.json</c>.
/// Every directory below the root is a real directory of the worker's user with mode 0700 (created so, or refused,
/// never followed through a link: see <see cref="SecretDirectory"/>); files are owner read/write (0600). A file is
/// replaced atomically: written to a temp file in the same directory, flushed, renamed over the old one, and the
/// directory flushed. Deliveries into one directory are serialised by an advisory lock on it (<c>flock</c>, shared
/// with other worker processes on the host), under which the file present is compared with the delivery
/// (<see cref="SecretOrdering"/>): an older secret never replaces a newer one, and the same secret is not written twice.
/// </summary>
public sealed partial class FileSecretDestination : ISecretDestination
{
    /// <summary>The kind, and the name of the destination the legacy settings (<c>Worker:Secrets:File</c>) define.</summary>
    public const string DestinationName = "file";

    /// <summary>The key template when a route names none.</summary>
    public const string DefaultKeyTemplate = "{deploymentId}/{appSlug}/{clientId}.json";

    /// <summary>Longest file or directory name a key may produce (NAME_MAX is 255; a temp file adds 38 characters).</summary>
    private const int MaxSegmentLength = 200;

    private readonly ILogger _logger;

    /// <param name="rootDirectory">The root directory; relative paths are resolved against the current directory.</param>
    /// <param name="logger">Where deliveries are logged (never the secret).</param>
    /// <param name="name">The configured name, reported in <c>SecretRotated.Destination</c>.</param>
    public FileSecretDestination(string rootDirectory, ILogger<FileSecretDestination>? logger = null, string name = DestinationName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        RootDirectory = Path.GetFullPath(rootDirectory);
        Name = name;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The absolute root directory.</summary>
    public string RootDirectory { get; }

    public string Name { get; }

    public string Kind => DestinationName;

    public string KeyFor(SecretTarget target, string? keyTemplate)
    {
        ArgumentNullException.ThrowIfNull(target);
        var key = SecretKeyTemplate.Expand(keyTemplate ?? DefaultKeyTemplate, target, static (placeholder, value) => CheckValue(placeholder, value));
        CheckKey(key);
        return key;
    }

    public Task PreflightAsync(string key, SecretTarget target, CancellationToken cancellationToken)
    {
        try
        {
            var (directories, fileName) = Split(key);
            cancellationToken.ThrowIfCancellationRequested();

            // Creates the owner-only directories now, or refuses (naming the path) before anything is rotated.
            using var directory = SecretDirectory.Open(RootDirectory, directories, create: true)!;
            if (directory.EntryKind(fileName) == SecretDirectory.Entry.Directory)
            {
                throw new SecretDestinationException(
                    SecretDestinationFailure.Invalid,
                    $"A directory is in the way of the secret file {Path.Combine(directory.FullPath, fileName)}; remove it.");
            }

            return Task.CompletedTask;
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }

    public async Task<DeliveryResult> DeliverAsync(string key, SecretDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var (directories, fileName) = Split(key);

        // The same checks as the pre-flight, again at write time, through the descriptors the write then uses.
        using var directory = SecretDirectory.Open(RootDirectory, directories, create: true)!;
        using (await directory.LockAsync(cancellationToken))
        {
            var present = Parse(directory.ReadFile(fileName, out var version), version);
            var stamp = delivery.Stamp;
            switch (SecretOrdering.Decide(present?.Stamp, stamp))
            {
                case DeliveryOutcome.AlreadyCurrent:
                    SecretsLog.AlreadyCurrent(_logger, Name, key, stamp.Fingerprint);
                    return DeliveryResult.AlreadyCurrent(key, stamp);
                case DeliveryOutcome.NewerPresent:
                    SecretsLog.NewerPresent(_logger, Name, key, stamp.Fingerprint, present!.CommandId, present.RotatedAt, present.Fingerprint);
                    return DeliveryResult.NewerPresent(key, present.Stamp);
            }

            // Past this point the write is not cancelled: it is short, and a half-done one is what must not happen.
            cancellationToken.ThrowIfCancellationRequested();

            // A crash between writing and renaming leaves a temp file holding a secret in clear: remove any such leftover
            // of this file before writing a new one (nobody else writes in this directory while the lock is held).
            var stem = Path.GetFileNameWithoutExtension(fileName);
            directory.DeleteFiles(name => IsTempFileOf(name, stem));

            var content = new ArrayBufferWriter<byte>(1024);
            try
            {
                Serialize(content, delivery);
                directory.WriteAtomically(fileName, $".{stem}.{Guid.NewGuid():N}.tmp", content.WrittenSpan);
            }
            finally
            {
                content.Clear(); // zeroes the buffer that held the secret
            }
        }

        SecretsLog.DeliveredToFile(_logger, delivery.ClientId, delivery.AppSlug, delivery.DeploymentId, delivery.Secret.Fingerprint, key);
        return DeliveryResult.Written(key, delivery.Stamp);
    }

    public Task<StoredSecret?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var (directories, fileName) = Split(key);
            cancellationToken.ThrowIfCancellationRequested();
            using var directory = SecretDirectory.Open(RootDirectory, directories, create: false);
            return Task.FromResult(directory is null ? null : Parse(directory.ReadFile(fileName, out var version), version));
        }
        catch (Exception ex)
        {
            return Task.FromException<StoredSecret?>(ex);
        }
    }

    /// <summary>Reads back the secret file of a client at the default key, or null when there is none.</summary>
    public Task<StoredSecret?> ReadAsync(string deploymentId, string appSlug, string clientId, CancellationToken cancellationToken) =>
        ReadAsync(KeyFor(new SecretTarget(deploymentId, appSlug, "", clientId), null), cancellationToken);

    private static void Serialize(IBufferWriter<byte> output, SecretDelivery delivery)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("client_id", delivery.ClientId);
        writer.WriteString("client_secret", delivery.Secret.Reveal());
        writer.WriteString("deployment_id", delivery.DeploymentId);
        writer.WriteString("app_slug", delivery.AppSlug);
        writer.WriteString("oauth_client_id", delivery.OAuthClientId);
        writer.WriteString("rotated_at", delivery.RotatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        writer.WriteString("command_id", delivery.CommandId.ToString("D"));
        writer.WriteEndObject();
    }

    /// <summary>The file as the application reads it; null when absent or not a file this destination wrote (it is then replaced).</summary>
    private StoredSecret? Parse(byte[]? content, string? version)
    {
        if (content is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            var root = document.RootElement;
            return new StoredSecret(
                root.GetProperty("client_id").GetString()!,
                new ClientSecret(root.GetProperty("client_secret").GetString()!),
                DateTimeOffset.Parse(root.GetProperty("rotated_at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                Guid.Parse(root.GetProperty("command_id").GetString()!),
                version ?? "");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            // Never echo the content: it may hold a secret.
            SecretsLog.UnreadableFile(_logger, Name, ex.GetType().Name);
            return null;
        }
        finally
        {
            Array.Clear(content);
        }
    }

    private static bool IsTempFileOf(string name, string stem) =>
        name.Length == stem.Length + 38
        && name.StartsWith($".{stem}.", StringComparison.Ordinal)
        && TempSuffix().IsMatch(name.AsSpan(stem.Length + 2));

    [GeneratedRegex("^[0-9a-f]{32}\\.tmp$")]
    private static partial Regex TempSuffix();

    private static (string[] Directories, string FileName) Split(string key)
    {
        CheckKey(key);
        var segments = key.Split('/');
        return (segments[..^1], segments[^1]);
    }

    /// <summary>
    /// A placeholder's value comes from Wacht (deployment id, app slug, record id, <c>oc_</c> + base64url client id):
    /// it becomes one path component verbatim, so it must be non-empty and only contain <c>[A-Za-z0-9._:-]</c>, without
    /// <c>..</c> and not start with a dot.
    /// </summary>
    private static void CheckValue(string placeholder, string value)
    {
        if (ComponentProblem(value) is { } problem)
        {
            throw new SecretKeyException(
                $"The {placeholder} '{SecretKeyException.Printable(value)}' cannot be stored by the file destination: {problem}.",
                placeholder);
        }
    }

    private static void CheckKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var segments = key.Split('/');
        foreach (var segment in segments)
        {
            if (ComponentProblem(segment) is { } problem)
            {
                throw new SecretKeyException(
                    $"The file destination cannot store a secret at '{SecretKeyException.Printable(key)}': a path component {problem}.",
                    nameof(key));
            }
        }
    }

    private static string? ComponentProblem(string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "is empty";
        }

        if (value.Contains("..", StringComparison.Ordinal) || value[0] == '.')
        {
            return "must not contain '..' or start with '.'";
        }

        if (value.Length > MaxSegmentLength)
        {
            return $"is longer than {MaxSegmentLength} characters";
        }

        return value.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-')
            ? null
            : "contains a character outside A-Z a-z 0-9 . _ : - (a '/' would change the directory)";
    }
}
