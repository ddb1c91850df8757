using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Wacht.Client;

namespace Wacht.Worker.Secrets.Kubernetes;

/// <summary>
/// Delivers each client's secret as one Kubernetes Secret (type <c>Opaque</c>) with the keys <c>client_id</c> and
/// <c>client_secret</c>, and annotations saying which secret it is (<c>wacht.io/fingerprint</c>,
/// <c>wacht.io/rotated-at</c>, <c>wacht.io/command-id</c>; never the secret). The key is <c>{namespace}/{name}</c>.
/// </summary>
/// <remarks>
/// Concurrency: the Secret is read, the delivery compared with what it holds (<see cref="SecretOrdering"/>), and then
/// replaced with the <c>resourceVersion</c> that was read, so a write by anyone in between makes the API answer 409;
/// the Secret is then read again and the decision taken again. A missing Secret is created; 409 AlreadyExists on
/// create means another writer was first: read again. Other keys, labels and annotations of an existing Secret are kept.
/// </remarks>
public sealed partial class KubernetesSecretDestination : ISecretDestination, IDisposable
{
    /// <summary>The kind.</summary>
    public const string KindName = "kubernetes";

    /// <summary>The Secret name template when neither the route nor the destination names one.</summary>
    public const string DefaultKeyTemplate = "wacht-{appSlug}-{oauthClientId}";

    public const string ClientIdKey = "client_id";
    public const string ClientSecretKey = "client_secret";
    public const string FingerprintAnnotation = "wacht.io/fingerprint";
    public const string RotatedAtAnnotation = "wacht.io/rotated-at";
    public const string CommandIdAnnotation = "wacht.io/command-id";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "wacht-worker";

    private readonly KubernetesDestinationOptions _options;
    private readonly ILogger _logger;
    private readonly bool _ownsClient;

    public KubernetesSecretDestination(string name, KubernetesDestinationOptions options, IKubernetes client, ILogger<KubernetesSecretDestination>? logger = null, bool ownsClient = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Namespace);
        Name = name;
        _options = options;
        Client = client;
        Namespace = options.Namespace;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _ownsClient = ownsClient;
    }

    public string Name { get; }

    public string Kind => KindName;

    /// <summary>The namespace the Secrets are written to.</summary>
    public string Namespace { get; }

    /// <summary>The cluster connection (shared with rollout restarts that name this destination).</summary>
    internal IKubernetes Client { get; }

    /// <summary>Timeout of one API call.</summary>
    internal TimeSpan RequestTimeout => _options.RequestTimeout;

    public string KeyFor(SecretTarget target, string? keyTemplate)
    {
        ArgumentNullException.ThrowIfNull(target);
        var name = SecretKeyTemplate.Expand(keyTemplate ?? _options.KeyTemplate ?? DefaultKeyTemplate, target, static (placeholder, value) =>
        {
            if (value.Length == 0 || !value.All(static c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
            {
                throw new SecretKeyException(
                    $"The {placeholder} '{SecretKeyException.Printable(value)}' cannot be part of a Kubernetes Secret name (lowercase letters, digits, '-' and '.' only); use a key template with other placeholders, e.g. {{oauthClientId}}.",
                    placeholder);
            }
        });
        if (!SecretName().IsMatch(name))
        {
            throw new SecretKeyException(
                $"'{SecretKeyException.Printable(name)}' is not a valid Kubernetes Secret name (a DNS subdomain: at most 253 characters, lowercase alphanumeric segments joined by '-' or '.').",
                nameof(keyTemplate));
        }

        return $"{Namespace}/{name}";
    }

    public async Task PreflightAsync(string key, SecretTarget target, CancellationToken cancellationToken)
    {
        var name = NameOf(key);
        var denied = new List<string>();
        foreach (var (verb, resourceName) in new[] { ("get", name), ("create", (string?)null), ("update", name) })
        {
            if (!await CanAsync(verb, "", "secrets", resourceName, cancellationToken))
            {
                denied.Add(verb);
            }
        }

        if (denied.Count > 0)
        {
            throw new SecretDestinationException(
                SecretDestinationFailure.Forbidden,
                $"Kubernetes destination '{Name}': the worker may not {string.Join(", ", denied)} secret {Namespace}/{name} (SelfSubjectAccessReview). Grant it get, create and update on secrets in namespace {Namespace}.");
        }
    }

    public async Task<DeliveryResult> DeliverAsync(string key, SecretDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var name = NameOf(key);
        var stamp = delivery.Stamp;
        for (var attempt = 1; attempt <= Math.Max(1, _options.MaxConflictRetries); attempt++)
        {
            var existing = await ReadSecretAsync(name, cancellationToken);
            var present = existing is null ? null : ToStored(existing);
            switch (SecretOrdering.Decide(present?.Stamp, stamp))
            {
                case DeliveryOutcome.AlreadyCurrent:
                    SecretsLog.AlreadyCurrent(_logger, Name, key, stamp.Fingerprint);
                    return DeliveryResult.AlreadyCurrent(key, stamp);
                case DeliveryOutcome.NewerPresent:
                    SecretsLog.NewerPresent(_logger, Name, key, stamp.Fingerprint, present!.CommandId, present.RotatedAt, present.Fingerprint);
                    return DeliveryResult.NewerPresent(key, present.Stamp);
            }

            var secret = Compose(existing, name, delivery);
            try
            {
                if (existing is null)
                {
                    await CallAsync($"create secret {key}", ct => Client.CoreV1.CreateNamespacedSecretAsync(secret, Namespace, cancellationToken: ct), cancellationToken, conflictIsRace: true);
                }
                else
                {
                    await CallAsync($"replace secret {key}", ct => Client.CoreV1.ReplaceNamespacedSecretAsync(secret, name, Namespace, cancellationToken: ct), cancellationToken, conflictIsRace: true);
                }
            }
            catch (RaceLostException)
            {
                // Someone wrote the Secret between our read and our write: read it again and decide again.
                KubernetesLog.WriteConflict(_logger, Name, key, attempt);
                continue;
            }

            SecretsLog.Delivered(_logger, Name, key, stamp.Fingerprint);
            return DeliveryResult.Written(key, stamp);
        }

        throw new SecretDestinationException(
            SecretDestinationFailure.Conflict,
            $"Kubernetes destination '{Name}': secret {key} kept changing between read and write ({_options.MaxConflictRetries} attempts); nothing was written.");
    }

    public async Task<StoredSecret?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var existing = await ReadSecretAsync(NameOf(key), cancellationToken);
        return existing is null ? null : ToStored(existing);
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            Client.Dispose();
        }
    }

    /// <summary>Asks the API server whether the worker may <paramref name="verb"/> the resource (SelfSubjectAccessReview).</summary>
    internal async Task<bool> CanAsync(string verb, string group, string resource, string? resourceName, CancellationToken cancellationToken, string? @namespace = null)
    {
        var review = new V1SelfSubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SelfSubjectAccessReview",
            Spec = new V1SelfSubjectAccessReviewSpec
            {
                ResourceAttributes = new V1ResourceAttributes
                {
                    NamespaceProperty = @namespace ?? Namespace,
                    Verb = verb,
                    Group = group,
                    Resource = resource,
                    Name = resourceName,
                },
            },
        };
        var answer = await CallAsync(
            $"check access ({verb} {resource})",
            ct => Client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(review, cancellationToken: ct),
            cancellationToken);
        return answer.Status?.Allowed == true;
    }

    /// <summary>
    /// One API call with its own timeout. Failures become <see cref="SecretDestinationException"/>s built from the status
    /// code and the API's Status reason only: the SDK's exception carries the request body (a Secret) and is never
    /// kept as an inner exception. A 404 is null when <paramref name="notFoundIsNull"/>; a 409 is a lost race when
    /// <paramref name="conflictIsRace"/>.
    /// </summary>
    internal async Task<T> CallAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, bool conflictIsRace = false, bool notFoundIsNull = false, TimeSpan? timeout = null)
    {
        var limit = timeout ?? _options.RequestTimeout;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(limit);
        try
        {
            return await call(timeoutSource.Token);
        }
        catch (HttpOperationException ex)
        {
            var status = ex.Response?.StatusCode ?? 0;
            if (status == HttpStatusCode.Conflict && conflictIsRace)
            {
                throw new RaceLostException();
            }

            if (status == HttpStatusCode.NotFound && notFoundIsNull)
            {
                return default!;
            }

            var reason = status switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => SecretDestinationFailure.Forbidden,
                HttpStatusCode.Conflict => SecretDestinationFailure.Conflict,
                HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError => SecretDestinationFailure.Unreachable,
                _ => SecretDestinationFailure.Invalid,
            };
            throw new SecretDestinationException(
                reason,
                $"Kubernetes destination '{Name}' could not {what}: HTTP {(int)status} {StatusReason(ex.Response?.Content)}.".Replace(" .", ".", StringComparison.Ordinal));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretDestinationException(
                SecretDestinationFailure.Unreachable,
                $"Kubernetes destination '{Name}' could not {what}: the API server did not answer within {limit.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }
        catch (HttpRequestException ex)
        {
            throw new SecretDestinationException(
                SecretDestinationFailure.Unreachable,
                $"Kubernetes destination '{Name}' could not {what}: the API server could not be reached ({ex.HttpRequestError}).");
        }
    }

    private Task<V1Secret?> ReadSecretAsync(string name, CancellationToken cancellationToken) =>
        CallAsync<V1Secret?>(
            $"read secret {Namespace}/{name}",
            async ct => await Client.CoreV1.ReadNamespacedSecretAsync(name, Namespace, cancellationToken: ct),
            cancellationToken,
            notFoundIsNull: true);

    private V1Secret Compose(V1Secret? existing, string name, SecretDelivery delivery)
    {
        var metadata = existing?.Metadata ?? new V1ObjectMeta { Name = name, NamespaceProperty = Namespace };
        metadata.ManagedFields = null;
        metadata.Labels ??= new Dictionary<string, string>();
        metadata.Annotations ??= new Dictionary<string, string>();
        foreach (var (label, value) in _options.Labels)
        {
            metadata.Labels[label] = value;
        }

        metadata.Labels[ManagedByLabel] = ManagedByValue;
        foreach (var (annotation, value) in _options.Annotations)
        {
            metadata.Annotations[annotation] = value;
        }

        metadata.Annotations[FingerprintAnnotation] = delivery.Secret.Fingerprint;
        metadata.Annotations[RotatedAtAnnotation] = delivery.RotatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        metadata.Annotations[CommandIdAnnotation] = delivery.CommandId.ToString("D");
        metadata.Annotations["wacht.io/client-id"] = delivery.ClientId;
        metadata.Annotations["wacht.io/oauth-client-id"] = delivery.OAuthClientId;
        metadata.Annotations["wacht.io/app-slug"] = delivery.AppSlug;
        metadata.Annotations["wacht.io/deployment-id"] = delivery.DeploymentId;

        var data = existing?.Data ?? new Dictionary<string, byte[]>();
        data[ClientIdKey] = Encoding.UTF8.GetBytes(delivery.ClientId);
        data[ClientSecretKey] = Encoding.UTF8.GetBytes(delivery.Secret.Reveal());
        return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = metadata,
            Type = existing?.Type ?? "Opaque",
            Data = data,
            Immutable = existing?.Immutable,
        };
    }

    /// <summary>What the application reads; a Secret without the worker's annotations has no stamp (its secret is then replaced).</summary>
    private StoredSecret? ToStored(V1Secret secret)
    {
        var annotations = secret.Metadata?.Annotations;
        if (secret.Data is null
            || !secret.Data.TryGetValue(ClientSecretKey, out var value) || value.Length == 0
            || annotations is null
            || !annotations.TryGetValue(CommandIdAnnotation, out var commandText) || !Guid.TryParse(commandText, out var commandId)
            || !annotations.TryGetValue(RotatedAtAnnotation, out var rotatedText)
            || !DateTimeOffset.TryParse(rotatedText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var rotatedAt))
        {
            KubernetesLog.SecretWithoutStamp(_logger, Name, $"{Namespace}/{secret.Metadata?.Name}");
            return null;
        }

        var clientId = secret.Data.TryGetValue(ClientIdKey, out var id) ? Encoding.UTF8.GetString(id) : "";
        return new StoredSecret(clientId, new ClientSecret(Encoding.UTF8.GetString(value)), rotatedAt, commandId, secret.Metadata?.ResourceVersion ?? "");
    }

    private string NameOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? "" : key[(slash + 1)..];
        if (slash < 0 || !string.Equals(key[..slash], Namespace, StringComparison.Ordinal) || !SecretName().IsMatch(name))
        {
            throw new SecretKeyException($"'{SecretKeyException.Printable(key)}' is not a key of Kubernetes destination '{Name}' (expected {Namespace}/<secret name>).", nameof(key));
        }

        return name;
    }

    /// <summary>The <c>reason</c> and <c>message</c> of a Kubernetes Status body (the API's own words; they name objects, never data).</summary>
    private static string StatusReason(string? content)
    {
        if (string.IsNullOrEmpty(content))
        {
            return "";
        }

        try
        {
            var status = KubernetesJson.Deserialize<V1Status>(content);
            var message = status.Message is { Length: > 300 } m ? m[..300] + "…" : status.Message;
            return $"{status.Reason} ({SecretKeyException.Printable(message)})";
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or ArgumentException)
        {
            return "";
        }
    }

    [GeneratedRegex("^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex SecretName();

    private sealed class RaceLostException : Exception;
}
