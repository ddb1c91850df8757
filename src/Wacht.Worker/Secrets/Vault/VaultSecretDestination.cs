using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Wacht.Client;

namespace Wacht.Worker.Secrets.Vault;

/// <summary>
/// Delivers each client's secret as one HashiCorp Vault KV v2 secret: the key is <c>{mount}/{path}</c>, the data holds
/// <c>client_id</c> and <c>client_secret</c> beside what says which secret it is (<c>fingerprint</c>,
/// <c>rotated_at</c>, <c>command_id</c>, and the client's ids): in the data, not in the custom metadata, because only
/// the data is written atomically with the check-and-set. Other data keys of an existing secret are kept.
/// </summary>
/// <remarks>
/// Concurrency is Vault's own: the latest version is read, the delivery compared with what it holds
/// (<see cref="SecretOrdering"/>), and the new version written with <c>options.cas</c> = the version read. A write by
/// anyone in between makes Vault answer 400 "check-and-set parameter did not match the current version"; the secret
/// is then read again and the decision taken again (up to <see cref="VaultDestinationOptions.MaxConflictRetries"/>).
/// </remarks>
public sealed class VaultSecretDestination : ISecretDestination
{
    /// <summary>The kind.</summary>
    public const string KindName = "vault";

    /// <summary>The path template when neither the route nor the destination names one.</summary>
    public const string DefaultKeyTemplate = "wacht/{deploymentId}/{appSlug}/{oauthClientId}";

    public const string ClientIdKey = "client_id";
    public const string ClientSecretKey = "client_secret";
    public const string FingerprintKey = "fingerprint";
    public const string RotatedAtKey = "rotated_at";
    public const string CommandIdKey = "command_id";

    private readonly VaultDestinationOptions _options;
    private readonly VaultClient _client;
    private readonly ILogger _logger;

    internal VaultSecretDestination(string name, VaultDestinationOptions options, VaultClient client, ILogger<VaultSecretDestination>? logger)
    {
        Name = name;
        _options = options;
        _client = client;
        Mount = VaultPaths.NormalizeMount(options.Mount);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public string Name { get; }

    public string Kind => KindName;

    /// <summary>The KV v2 mount.</summary>
    public string Mount { get; }

    public string KeyFor(SecretTarget target, string? keyTemplate)
    {
        ArgumentNullException.ThrowIfNull(target);
        var path = SecretKeyTemplate.Expand(keyTemplate ?? _options.KeyTemplate ?? DefaultKeyTemplate, target, static (placeholder, value) =>
        {
            if (VaultPaths.SegmentProblem(value) is { } problem)
            {
                throw new SecretKeyException($"The {placeholder} '{SecretKeyException.Printable(value)}' cannot be part of a Vault path: it {problem}.", placeholder);
            }
        });
        if (VaultPaths.PathProblem(path) is { } bad)
        {
            throw new SecretKeyException($"'{SecretKeyException.Printable(path)}' is not a usable Vault path: a segment {bad}.", nameof(keyTemplate));
        }

        return $"{Mount}/{path}";
    }

    public async Task PreflightAsync(string key, SecretTarget target, CancellationToken cancellationToken)
    {
        var apiPath = $"{Mount}/data/{PathOf(key)}";
        var capabilities = await _client.CapabilitiesAsync(apiPath, cancellationToken);
        if (capabilities.Contains("root"))
        {
            return;
        }

        var missing = new[] { "read", "create", "update" }.Where(c => !capabilities.Contains(c) || capabilities.Contains("deny")).ToList();
        if (missing.Count > 0)
        {
            throw new SecretDestinationException(
                SecretDestinationFailure.Forbidden,
                $"Vault destination '{Name}': the worker's token lacks {string.Join(", ", missing)} on {apiPath} (sys/capabilities-self: {string.Join(", ", capabilities.DefaultIfEmpty("none"))}). Grant read, create and update on {Mount}/data/… in its policy.");
        }
    }

    public async Task<DeliveryResult> DeliverAsync(string key, SecretDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var path = PathOf(key);
        var stamp = delivery.Stamp;
        for (var attempt = 1; attempt <= Math.Max(1, _options.MaxConflictRetries); attempt++)
        {
            var current = await _client.ReadAsync(Mount, path, cancellationToken);
            var present = ToStored(key, current);
            switch (SecretOrdering.Decide(present?.Stamp, stamp))
            {
                case DeliveryOutcome.AlreadyCurrent:
                    SecretsLog.AlreadyCurrent(_logger, Name, key, stamp.Fingerprint);
                    return DeliveryResult.AlreadyCurrent(key, stamp);
                case DeliveryOutcome.NewerPresent:
                    SecretsLog.NewerPresent(_logger, Name, key, stamp.Fingerprint, present!.CommandId, present.RotatedAt, present.Fingerprint);
                    return DeliveryResult.NewerPresent(key, present.Stamp);
            }

            var written = await _client.WriteAsync(Mount, path, current.Version, Compose(current.Data, delivery), cancellationToken);
            if (written is null)
            {
                // Someone wrote a version between our read and our write: read it again and decide again.
                VaultLog.CasMismatch(_logger, Name, key, current.Version, attempt);
                continue;
            }

            SecretsLog.Delivered(_logger, Name, key, stamp.Fingerprint);
            return DeliveryResult.Written(key, stamp);
        }

        throw new SecretDestinationException(
            SecretDestinationFailure.Conflict,
            $"Vault destination '{Name}': secret {key} kept changing between read and write ({_options.MaxConflictRetries} attempts); nothing was written.");
    }

    public async Task<StoredSecret?> ReadAsync(string key, CancellationToken cancellationToken) =>
        ToStored(key, await _client.ReadAsync(Mount, PathOf(key), cancellationToken));

    private static JsonObject Compose(JsonObject? existing, SecretDelivery delivery)
    {
        var data = existing is null ? new JsonObject() : (JsonObject)existing.DeepClone();
        data[ClientIdKey] = delivery.ClientId;
        data[ClientSecretKey] = delivery.Secret.Reveal();
        data[FingerprintKey] = delivery.Secret.Fingerprint;
        data[RotatedAtKey] = delivery.RotatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        data[CommandIdKey] = delivery.CommandId.ToString("D");
        data["deployment_id"] = delivery.DeploymentId;
        data["app_slug"] = delivery.AppSlug;
        data["oauth_client_id"] = delivery.OAuthClientId;
        return data;
    }

    /// <summary>What the application reads; data without the worker's fields has no stamp (its client_secret is then replaced).</summary>
    private StoredSecret? ToStored(string key, VaultVersion version)
    {
        if (version.Data is null)
        {
            return null;
        }

        var data = version.Data;
        if (Text(data, ClientSecretKey) is not { Length: > 0 } secret
            || !Guid.TryParse(Text(data, CommandIdKey), out var commandId)
            || !DateTimeOffset.TryParse(Text(data, RotatedAtKey), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var rotatedAt))
        {
            VaultLog.SecretWithoutStamp(_logger, Name, key, version.Version);
            return null;
        }

        return new StoredSecret(Text(data, ClientIdKey) ?? "", new ClientSecret(secret), rotatedAt, commandId, version.Version.ToString(CultureInfo.InvariantCulture));
    }

    private static string? Text(JsonObject data, string name) =>
        data[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private string PathOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var path = key.StartsWith(Mount + "/", StringComparison.Ordinal) ? key[(Mount.Length + 1)..] : "";
        if (path.Length == 0 || VaultPaths.PathProblem(path) is not null)
        {
            throw new SecretKeyException($"'{SecretKeyException.Printable(key)}' is not a key of Vault destination '{Name}' (expected {Mount}/<path>).", nameof(key));
        }

        return path;
    }
}
