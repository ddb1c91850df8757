using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Wacht.Client;

namespace Wacht.Worker.Secrets.Aws;

/// <summary>
/// Delivers each client's secret as one AWS Secrets Manager secret (the key is its name) whose <c>SecretString</c> is
/// JSON: <c>client_id</c>, <c>client_secret</c>, and what says which secret it is (<c>fingerprint</c>,
/// <c>rotated_at</c>, <c>command_id</c>, the client's ids), in the value so that it changes with the version, atomically.
/// </summary>
/// <remarks>
/// <para>Concurrency. <c>PutSecretValue</c> has no check-and-set, but moving the <c>AWSCURRENT</c> label has one:
/// <c>UpdateSecretVersionStage</c> with <c>RemoveFromVersionId</c> fails unless the label is still on that version. So
/// the worker reads the AWSCURRENT version, compares it with the delivery (<see cref="SecretOrdering"/>), puts the new
/// value as a version labelled only <see cref="PendingStage"/> (applications reading AWSCURRENT do not see it), and then
/// moves AWSCURRENT from the version it read to the new one. A writer in between makes the move fail: the worker reads
/// again and decides again. AWSPREVIOUS follows AWSCURRENT (Secrets Manager moves it). A version that lost the race keeps
/// no label but <see cref="PendingStage"/> (or none once another put takes that label), and Secrets Manager deletes such
/// deprecated versions in time.</para>
/// <para>A missing secret is created with the value (<c>CreateSecret</c> labels its first version AWSCURRENT); if another
/// writer created it first (<c>ResourceExistsException</c>), the worker reads again.</para>
/// <para>Idempotency. The <c>ClientRequestToken</c> (the new version's id) is the command id: a re-driven put of the same
/// command's same secret is ignored by Secrets Manager (and the label move then finishes what a crash interrupted). A
/// command that rotated again (same command, a new secret) cannot reuse that token (Secrets Manager refuses another
/// value under it); its token is then derived from the command id and the secret's hash.</para>
/// <para>Honest gap: nothing stops a writer that does not use the label move (a person or another tool calling
/// <c>PutSecretValue</c> without <c>VersionStages</c>) from replacing a newer secret between the worker's read and its
/// move; the move then fails and the worker re-decides, so the worker never overwrites such a write blindly, but neither
/// can it stop that writer from overwriting the worker's.</para>
/// </remarks>
public sealed class AwsSecretsManagerDestination : ISecretDestination
{
    /// <summary>The kind.</summary>
    public const string KindName = "aws-secrets-manager";

    /// <summary>The secret name template when neither the route nor the destination names one.</summary>
    public const string DefaultKeyTemplate = "wacht/{deploymentId}/{appSlug}/{oauthClientId}";

    /// <summary>The label of a version put but not yet made current.</summary>
    public const string PendingStage = "wacht-pending";

    private const int MaxNameLength = 512;

    private readonly AwsSecretsManagerDestinationOptions _options;
    private readonly SecretsManagerClient _client;
    private readonly ILogger _logger;

    internal AwsSecretsManagerDestination(string name, AwsSecretsManagerDestinationOptions options, SecretsManagerClient client, ILogger<AwsSecretsManagerDestination>? logger)
    {
        Name = name;
        _options = options;
        _client = client;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public string Name { get; }

    public string Kind => KindName;

    public string KeyFor(SecretTarget target, string? keyTemplate)
    {
        ArgumentNullException.ThrowIfNull(target);
        var name = SecretKeyTemplate.Expand(keyTemplate ?? _options.KeyTemplate ?? DefaultKeyTemplate, target, static (placeholder, value) =>
        {
            if (value.Length == 0 || !value.All(static c => IsNameCharacter(c) && c != '/'))
            {
                throw new SecretKeyException(
                    $"The {placeholder} '{SecretKeyException.Printable(value)}' cannot be part of a Secrets Manager secret name (A-Z a-z 0-9 and _ + = . @ - only; a '/' would change the path).",
                    placeholder);
            }
        });
        CheckName(name);
        return name;
    }

    public async Task PreflightAsync(string key, SecretTarget target, CancellationToken cancellationToken)
    {
        // Secrets Manager has no dry run: DescribeSecret proves the endpoint answers, the credentials and signature are
        // accepted and the worker may describe the secret; a missing secret is fine (the delivery creates it).
        CheckName(key);
        var description = await _client.DescribeAsync(key, cancellationToken);
        if (description?["DeletedDate"] is not null)
        {
            throw new SecretDestinationException(
                SecretDestinationFailure.Invalid,
                $"AWS Secrets Manager destination '{Name}': secret {key} is scheduled for deletion; restore it (RestoreSecret) or choose another name.");
        }
    }

    public async Task<DeliveryResult> DeliverAsync(string key, SecretDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        CheckName(key);
        var stamp = delivery.Stamp;
        var value = Compose(delivery);
        for (var attempt = 1; attempt <= Math.Max(1, _options.MaxConflictRetries); attempt++)
        {
            var current = await _client.GetCurrentAsync(key, cancellationToken);
            var present = current is { } c ? ToStored(key, c.VersionId, c.SecretString) : null;
            switch (SecretOrdering.Decide(present?.Stamp, stamp))
            {
                case DeliveryOutcome.AlreadyCurrent:
                    SecretsLog.AlreadyCurrent(_logger, Name, key, stamp.Fingerprint);
                    return DeliveryResult.AlreadyCurrent(key, stamp);
                case DeliveryOutcome.NewerPresent:
                    SecretsLog.NewerPresent(_logger, Name, key, stamp.Fingerprint, present!.CommandId, present.RotatedAt, present.Fingerprint);
                    return DeliveryResult.NewerPresent(key, present.Stamp);
            }

            if (current is null && await _client.DescribeAsync(key, cancellationToken) is null)
            {
                if (await _client.CreateAsync(key, delivery.CommandId.ToString("D"), value, _options.KmsKeyId, Description(delivery), cancellationToken))
                {
                    SecretsLog.Delivered(_logger, Name, key, stamp.Fingerprint);
                    return DeliveryResult.Written(key, stamp);
                }

                AwsLog.RaceLost(_logger, Name, key, "another writer created the secret first", attempt);
                continue;
            }

            var version = await _client.PutPendingAsync(key, delivery.CommandId.ToString("D"), value, PendingStage, cancellationToken)
                ?? await _client.PutPendingAsync(key, DerivedToken(delivery), value, PendingStage, cancellationToken)
                ?? throw new SecretDestinationException(
                    SecretDestinationFailure.Invalid,
                    $"AWS Secrets Manager destination '{Name}': secret {key} already has versions of command {delivery.CommandId} with other values under both of its tokens.");
            if (await _client.MoveCurrentAsync(key, version, current?.VersionId, cancellationToken) is { } refused)
            {
                // AWSCURRENT moved since our read (another writer): read again and decide again.
                AwsLog.RaceLost(_logger, Name, key, refused, attempt);
                continue;
            }

            SecretsLog.Delivered(_logger, Name, key, stamp.Fingerprint);
            return DeliveryResult.Written(key, stamp);
        }

        throw new SecretDestinationException(
            SecretDestinationFailure.Conflict,
            $"AWS Secrets Manager destination '{Name}': secret {key} kept changing between read and write ({_options.MaxConflictRetries} attempts); AWSCURRENT was not moved.");
    }

    public async Task<StoredSecret?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        CheckName(key);
        return await _client.GetCurrentAsync(key, cancellationToken) is { } current ? ToStored(key, current.VersionId, current.SecretString) : null;
    }

    /// <summary>The token of a command's later secret: a UUID from SHA-256 over the command id and the secret (not reversible).</summary>
    private static string DerivedToken(SecretDelivery delivery)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{delivery.CommandId:D}\n{delivery.Secret.Reveal()}"));
        return new Guid(hash.AsSpan(0, 16)).ToString("D");
    }

    private static string Description(SecretDelivery delivery) =>
        $"Client secret of OAuth client {delivery.ClientId} (Wacht app {delivery.AppSlug}, deployment {delivery.DeploymentId}), delivered by wacht-worker.";

    private static string Compose(SecretDelivery delivery) => new JsonObject
    {
        ["client_id"] = delivery.ClientId,
        ["client_secret"] = delivery.Secret.Reveal(),
        ["fingerprint"] = delivery.Secret.Fingerprint,
        ["rotated_at"] = delivery.RotatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["command_id"] = delivery.CommandId.ToString("D"),
        ["deployment_id"] = delivery.DeploymentId,
        ["app_slug"] = delivery.AppSlug,
        ["oauth_client_id"] = delivery.OAuthClientId,
    }.ToJsonString();

    /// <summary>What the application reads; a value without the worker's fields has no stamp (it is then replaced).</summary>
    private StoredSecret? ToStored(string key, string versionId, string? secretString)
    {
        try
        {
            if (secretString is not null && JsonNode.Parse(secretString) is JsonObject value
                && Text(value, "client_secret") is { Length: > 0 } secret
                && Guid.TryParse(Text(value, "command_id"), out var commandId)
                && DateTimeOffset.TryParse(Text(value, "rotated_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var rotatedAt))
            {
                return new StoredSecret(Text(value, "client_id") ?? "", new ClientSecret(secret), rotatedAt, commandId, versionId);
            }
        }
        catch (JsonException)
        {
            // Not JSON: not the worker's; never echo it.
        }

        AwsLog.SecretWithoutStamp(_logger, Name, key, versionId);
        return null;
    }

    private static string? Text(JsonObject value, string name) =>
        value[name] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

    private static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '+' or '=' or '.' or '@' or '-';

    private void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string? problem = null;
        if (name.Length is 0 or > MaxNameLength || !name.All(IsNameCharacter))
        {
            problem = $"a name is 1 to {MaxNameLength} characters of A-Z a-z 0-9 / _ + = . @ -";
        }
        else if (name.Length > 7 && name[^7] == '-' && name[^6..].All(char.IsAsciiLetterOrDigit))
        {
            // Secrets Manager's own advice: such a name is confused with a partial ARN (name + the random suffix).
            problem = "a name must not end with a hyphen and six letters or digits (it reads as an ARN suffix)";
        }

        if (problem is not null)
        {
            throw new SecretKeyException($"'{SecretKeyException.Printable(name)}' is not a usable Secrets Manager secret name for destination '{Name}': {problem}.", nameof(name));
        }
    }
}
