using System.Text.Json.Serialization;
using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// Event: the rotation sweep's validity check found that Wacht rejects the secret a destination holds for a client
/// (401 <c>invalid_client</c> on the app's <c>/oauth/introspect</c>): the application reading it cannot authenticate.
/// Typical causes: a rotation from the dashboard, a late rotate call, a destination restored from a backup. Published
/// every time a real (not dry) run finds it. Carries the secret's fingerprint, never the secret.
/// </summary>
[MessageUrn("wacht-worker:delivered-secret-rejected:v1")]
[EntityName("wacht-worker.delivered-secret-rejected")]
public sealed record DeliveredSecretRejected
{
    /// <summary>The sweep run that found it.</summary>
    public Guid RunId { get; init; }

    public string DeploymentId { get; init; } = "";

    public string AppSlug { get; init; } = "";

    /// <summary>The OAuth client's record id.</summary>
    [JsonPropertyName("oauthClientId")]
    public string OAuthClientId { get; init; } = "";

    /// <summary>The client's public <c>client_id</c>.</summary>
    public string ClientId { get; init; } = "";

    /// <summary>The client's auth method the secret was checked with (<c>client_secret_basic</c>, <c>client_secret_post</c>, <c>client_secret_jwt</c>).</summary>
    public string ClientAuthMethod { get; init; } = "";

    /// <summary>The route the location came from: the one recorded with the client's last rotation, else the route that matches it now.</summary>
    public string? Route { get; init; }

    /// <summary>The destination's configured name.</summary>
    public string Destination { get; init; } = "";

    /// <summary>Where in the destination the rejected secret is (file path, Secret name…).</summary>
    public string DestinationKey { get; init; } = "";

    /// <summary>The rejected secret's fingerprint (first 12 hex digits of its SHA-256).</summary>
    public string SecretFingerprint { get; init; } = "";

    /// <summary>When the secret was issued, as the destination recorded it.</summary>
    public DateTimeOffset DeliveredSecretIssuedAt { get; init; }

    /// <summary>The command that delivered it, as the destination recorded it.</summary>
    public Guid DeliveredByCommandId { get; init; }

    /// <summary>When Wacht rejected it.</summary>
    public DateTimeOffset CheckedAt { get; init; }

    /// <summary>One of <see cref="SecretCheckRemediations"/>.</summary>
    public string Remediation { get; init; } = SecretCheckRemediations.Reported;

    /// <summary>The RotateSecret sent for it (trigger <c>schedule</c>) when <see cref="Remediation"/> is <c>rotate_requested</c>.</summary>
    public Guid? RotateCommandId { get; init; }
}
