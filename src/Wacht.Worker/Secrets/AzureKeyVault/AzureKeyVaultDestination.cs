using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Wacht.Client;
using Wacht.Worker.Secrets.Http;

namespace Wacht.Worker.Secrets.AzureKeyVault;

/// <summary>
/// Delivers each client's secret as one Azure Key Vault secret (the key is its name) whose value is JSON
/// <c>{"client_id": …, "client_secret": …}</c> (content type <c>application/json</c>), with tags saying which secret it
/// is (<c>wacht-fingerprint</c>, <c>wacht-rotated-at</c>, <c>wacht-command-id</c>, the client's ids; never the secret).
/// Every write is a new version; tags belong to the version, so they change with the value, atomically.
/// </summary>
/// <remarks>
/// <para>Concurrency. Key Vault has no conditional write: the current version is simply the latest one written. The
/// worker lists the versions, reads the current one, compares it with the delivery (<see cref="SecretOrdering"/>) and
/// writes a new version only if the delivery is newer. It then settles: it lists the versions again and, among those
/// written since its first listing (its own included), finds the newest by their tags; if that one is not current (a
/// racing worker with an older secret wrote after it), it writes that newest value again, and checks again. Every
/// racing worker does the same, so when all have returned the newest secret is current.</para>
/// <para>Honest gap: between a racing older write and the settling write, applications can read the older secret for
/// that moment; and if the worker that wrote the older secret dies before it settles, the older secret stays current
/// until the next delivery to that name (the worker with the newer secret had already returned <c>Written</c>).
/// Kubernetes and Vault have no such window (their writes are conditional); AWS neither (the label move is).</para>
/// <para>A delivery Wacht was just seen to accept (<see cref="SecretDelivery.VerifiedCurrent"/>) is the newest whatever
/// the other versions' tags say, so its settle step puts it back over anything written since. The tags do not record
/// that check, so a racing worker settling an unverified secret that looks newer would put its own back; the client's
/// lock, held across delivery, keeps two commands for one client from racing like that.</para>
/// </remarks>
public sealed class AzureKeyVaultDestination : ISecretDestination
{
    /// <summary>The kind.</summary>
    public const string KindName = "azure-key-vault";

    /// <summary>The secret name template when neither the route nor the destination names one.</summary>
    public const string DefaultKeyTemplate = "wacht-{appSlug}-{oauthClientId}";

    public const string FingerprintTag = "wacht-fingerprint";
    public const string RotatedAtTag = "wacht-rotated-at";
    public const string CommandIdTag = "wacht-command-id";
    public const string ContentType = "application/json";

    private readonly AzureKeyVaultDestinationOptions _options;
    private readonly SecretClient _client;
    private readonly ILogger _logger;

    internal AzureKeyVaultDestination(string name, AzureKeyVaultDestinationOptions options, SecretClient client, ILogger<AzureKeyVaultDestination>? logger)
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
            if (value.Length == 0 || !value.All(IsNameCharacter))
            {
                throw new SecretKeyException(
                    $"The {placeholder} '{SecretKeyException.Printable(value)}' cannot be part of a Key Vault secret name (A-Z a-z 0-9 and '-' only); use a key template with other placeholders, e.g. {{oauthClientId}}.",
                    placeholder);
            }
        });
        CheckName(name);
        return name;
    }

    public async Task PreflightAsync(string key, SecretTarget target, CancellationToken cancellationToken)
    {
        // Key Vault has no "may I write" question. A get proves the vault answers, the worker's identity gets a token the
        // vault accepts, and it may read secrets (404: the secret does not exist yet, which is fine). It does not prove
        // the set permission: that shows at the first delivery (403, nothing rotated is lost: the ledger keeps it).
        CheckName(key);
        if (await CallAsync($"read secret {key}", ct => _client.GetSecretAsync(key, cancellationToken: ct), cancellationToken, notFoundIsNull: true) is not null)
        {
            return;
        }

        // A deleted but recoverable secret of that name would refuse the write (409): say so now, if the worker may look.
        try
        {
            if (await CallAsync<DeletedSecret?>($"look for deleted secret {key}", async ct => await _client.GetDeletedSecretAsync(key, ct), cancellationToken, notFoundIsNull: true) is null)
            {
                return;
            }
        }
        catch (SecretDestinationException ex) when (ex.Reason is SecretDestinationFailure.Forbidden or SecretDestinationFailure.Invalid)
        {
            return; // may not read deleted secrets (or soft-delete is off): nothing more to learn
        }

        throw new SecretDestinationException(
            SecretDestinationFailure.Invalid,
            $"Azure Key Vault destination '{Name}': secret {key} is deleted but recoverable, so its name cannot be written; recover or purge it.");
    }

    public async Task<DeliveryResult> DeliverAsync(string key, SecretDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        CheckName(key);
        var stamp = delivery.Stamp;
        for (var attempt = 1; attempt <= Math.Max(1, _options.MaxConflictRetries); attempt++)
        {
            var before = (await ListVersionsAsync(key, cancellationToken)).Select(v => v.Version).ToHashSet(StringComparer.Ordinal);
            var current = await GetAsync(key, null, cancellationToken);
            var present = current is null ? null : ToStored(current);
            switch (SecretOrdering.Decide(present?.Stamp, stamp))
            {
                case DeliveryOutcome.AlreadyCurrent:
                    SecretsLog.AlreadyCurrent(_logger, Name, key, stamp.Fingerprint);
                    return DeliveryResult.AlreadyCurrent(key, stamp);
                case DeliveryOutcome.NewerPresent:
                    SecretsLog.NewerPresent(_logger, Name, key, stamp.Fingerprint, present!.CommandId, present.RotatedAt, present.Fingerprint);
                    return DeliveryResult.NewerPresent(key, present.Stamp);
            }

            var value = Compose(delivery);
            var mine = await SetAsync(key, value, Tags(delivery), delivery.Secret.Reveal(), cancellationToken);
            if (await SettleAsync(key, before, new Candidate(mine, stamp, Tags(delivery)), value, delivery.Secret.Reveal(), cancellationToken) is not { } winner)
            {
                continue;
            }

            if (winner.CommandId == stamp.CommandId && winner.Fingerprint == stamp.Fingerprint)
            {
                SecretsLog.Delivered(_logger, Name, key, stamp.Fingerprint);
                return DeliveryResult.Written(key, stamp);
            }

            SecretsLog.NewerPresent(_logger, Name, key, stamp.Fingerprint, winner.CommandId, winner.RotatedAt, winner.Fingerprint);
            return DeliveryResult.NewerPresent(key, winner);
        }

        throw new SecretDestinationException(
            SecretDestinationFailure.Conflict,
            $"Azure Key Vault destination '{Name}': secret {key} kept changing while the worker wrote it ({_options.MaxConflictRetries} attempts).");
    }

    public async Task<StoredSecret?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        CheckName(key);
        return await GetAsync(key, null, cancellationToken) is { } current ? ToStored(current) : null;
    }

    /// <summary>
    /// Makes the newest of the versions written since <paramref name="before"/> (<paramref name="mine"/> among them) the
    /// current one, writing it again when an older one was written after it. Returns its stamp, or null when it did not
    /// settle within the attempts.
    /// </summary>
    private async Task<SecretStamp?> SettleAsync(string key, HashSet<string> before, Candidate mine, string myValue, string mySecret, CancellationToken cancellationToken)
    {
        for (var round = 1; round <= Math.Max(1, _options.MaxConflictRetries); round++)
        {
            var newest = mine;
            foreach (var version in await ListVersionsAsync(key, cancellationToken))
            {
                if (!before.Contains(version.Version) && StampOf(version.Tags) is { } stamp && IsNewer(stamp, newest.Stamp))
                {
                    newest = new Candidate(version.Version, stamp, version.Tags);
                }
            }

            var current = await GetAsync(key, null, cancellationToken);
            if (current is not null && StampOf(current.Properties.Tags) is { } currentStamp
                && currentStamp.CommandId == newest.Stamp.CommandId && currentStamp.Fingerprint == newest.Stamp.Fingerprint)
            {
                return newest.Stamp;
            }

            // An older secret was written after the newest one: write the newest again.
            AzureKeyVaultLog.OlderWrittenAfter(_logger, Name, key, newest.Stamp.CommandId, round);
            var value = newest.Version == mine.Version
                ? myValue
                : (await GetAsync(key, newest.Version, cancellationToken))?.Value;
            if (value is null)
            {
                return null;
            }

            await SetAsync(key, value, newest.Tags, mySecret, cancellationToken);
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="candidate"/> (another version's tags) beats <paramref name="than"/>. Nothing beats a delivery
    /// Wacht was just seen to accept (<see cref="SecretStamp.VerifiedCurrent"/>): a version that only looks newer holds a
    /// secret that no longer works.
    /// </summary>
    private static bool IsNewer(SecretStamp candidate, SecretStamp than) =>
        !than.VerifiedCurrent && SecretOrdering.Decide(than, candidate) == DeliveryOutcome.Written;

    private Task<KeyVaultSecret?> GetAsync(string key, string? version, CancellationToken cancellationToken) =>
        CallAsync<KeyVaultSecret?>($"read secret {key}", async ct => await _client.GetSecretAsync(key, version, ct), cancellationToken, notFoundIsNull: true);

    private async Task<string> SetAsync(string key, string value, IEnumerable<KeyValuePair<string, string>> tags, string secret, CancellationToken cancellationToken)
    {
        var item = new KeyVaultSecret(key, value);
        item.Properties.ContentType = ContentType;
        foreach (var (tag, text) in tags)
        {
            item.Properties.Tags[tag] = text;
        }

        var written = await CallAsync($"write secret {key}", async ct => (await _client.SetSecretAsync(item, ct)).Value, cancellationToken, secret: secret);
        return written.Properties.Version;
    }

    private async Task<List<SecretProperties>> ListVersionsAsync(string key, CancellationToken cancellationToken) =>
        await CallAsync($"list the versions of secret {key}", async ct =>
        {
            var versions = new List<SecretProperties>();
            await foreach (var version in _client.GetPropertiesOfSecretVersionsAsync(key, ct))
            {
                versions.Add(version);
            }

            return versions;
        }, cancellationToken, notFoundIsNull: true) ?? [];

    /// <summary>
    /// One SDK call with its own timeout. Failures become <see cref="SecretDestinationException"/>s built from the status,
    /// the error code and Key Vault's error message (scrubbed of <paramref name="secret"/>, cut short): the SDK's
    /// exception carries the response content and is never kept.
    /// </summary>
    private async Task<T> CallAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, bool notFoundIsNull = false, string? secret = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout * 3); // the SDK's per-try timeout is RequestTimeout; this bounds its tries
        try
        {
            return await call(timeout.Token);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && notFoundIsNull)
        {
            return default!;
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0 && ex.InnerExceptions.All(static e => e is RequestFailedException))
        {
            // The SDK's retries were used up: it reports every try; the last one says why.
            throw Failure(what, (RequestFailedException)ex.InnerExceptions[^1], secret);
        }
        catch (RequestFailedException ex)
        {
            throw Failure(what, ex, secret);
        }
        catch (AuthenticationFailedException ex)
        {
            throw new SecretDestinationException(SecretDestinationFailure.Forbidden, $"Azure Key Vault destination '{Name}' could not {what}: no token for the vault ({ex.GetType().Name}; check the managed identity or workload identity).");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretDestinationException(SecretDestinationFailure.Unreachable, $"Azure Key Vault destination '{Name}' could not {what}: the vault did not answer in time.");
        }
    }

    private SecretDestinationException Failure(string what, RequestFailedException ex, string? secret)
    {
        var reason = ex.Status switch
        {
            401 or 403 => SecretDestinationFailure.Forbidden,
            0 or 408 or 429 or >= 500 => SecretDestinationFailure.Unreachable,
            _ => SecretDestinationFailure.Invalid,
        };
        var detail = ex.Status == 0
            ? "the vault could not be reached"
            : $"HTTP {ex.Status} {ex.ErrorCode} {ErrorMessage(ex, secret)}".TrimEnd();
        if (ex.Status == 409)
        {
            detail += " (a deleted but recoverable secret of this name must be recovered or purged first)";
        }

        return new SecretDestinationException(reason, $"Azure Key Vault destination '{Name}' could not {what}: {detail}.");
    }

    /// <summary>Key Vault's <c>error.message</c> (it names the vault, the caller and the action, never a value), scrubbed and cut short.</summary>
    private static string ErrorMessage(RequestFailedException ex, string? secret)
    {
        try
        {
            var content = ex.GetRawResponse()?.Content?.ToString();
            if (string.IsNullOrEmpty(content) || JsonNode.Parse(content)?["error"]?["message"] is not JsonValue message || !message.TryGetValue<string>(out var text))
            {
                return "";
            }

            if (secret is { Length: > 0 })
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }

            return $"({DestinationHttp.Printable(text, 600)})"; // RBAC refusals name the action late in a long sentence
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static string Compose(SecretDelivery delivery) =>
        new JsonObject { ["client_id"] = delivery.ClientId, ["client_secret"] = delivery.Secret.Reveal() }.ToJsonString();

    private static Dictionary<string, string> Tags(SecretDelivery delivery) => new(StringComparer.Ordinal)
    {
        [FingerprintTag] = delivery.Secret.Fingerprint,
        [RotatedAtTag] = delivery.RotatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        [CommandIdTag] = delivery.CommandId.ToString("D"),
        ["wacht-client-id"] = delivery.ClientId,
        ["wacht-oauth-client-id"] = delivery.OAuthClientId,
        ["wacht-app-slug"] = delivery.AppSlug,
        ["wacht-deployment-id"] = delivery.DeploymentId,
    };

    private static SecretStamp? StampOf(IDictionary<string, string>? tags) =>
        tags is not null
        && tags.TryGetValue(CommandIdTag, out var commandText) && Guid.TryParse(commandText, out var commandId)
        && tags.TryGetValue(RotatedAtTag, out var rotatedText)
        && DateTimeOffset.TryParse(rotatedText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var rotatedAt)
        && tags.TryGetValue(FingerprintTag, out var fingerprint)
            ? new SecretStamp(commandId, rotatedAt, fingerprint)
            : null;

    /// <summary>What the application reads; a secret without the worker's tags or JSON has no stamp (it is then replaced).</summary>
    private StoredSecret? ToStored(KeyVaultSecret secret)
    {
        try
        {
            if (StampOf(secret.Properties.Tags) is { } stamp
                && JsonNode.Parse(secret.Value ?? "") is JsonObject value
                && value["client_secret"] is JsonValue s && s.TryGetValue<string>(out var clientSecret) && clientSecret.Length > 0)
            {
                var clientId = value["client_id"] is JsonValue id && id.TryGetValue<string>(out var text) ? text : "";
                return new StoredSecret(clientId, new ClientSecret(clientSecret), stamp.RotatedAt, stamp.CommandId, secret.Properties.Version ?? "");
            }
        }
        catch (JsonException)
        {
            // Not the worker's JSON; never echo it.
        }

        AzureKeyVaultLog.SecretWithoutStamp(_logger, Name, secret.Name, secret.Properties.Version ?? "");
        return null;
    }

    private static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c == '-';

    private void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > 127 || !name.All(IsNameCharacter))
        {
            throw new SecretKeyException(
                $"'{SecretKeyException.Printable(name)}' is not a valid Key Vault secret name for destination '{Name}' (1 to 127 characters of A-Z a-z 0-9 and '-').",
                nameof(name));
        }
    }

    private sealed record Candidate(string Version, SecretStamp Stamp, IDictionary<string, string> Tags);
}
