using System.Text.Json.Serialization;
using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// Event: the audit found something wrong with an app's signing keys or a client's secret (kinds
/// <see cref="FindingKinds.SigningKeyMissing"/>, <see cref="FindingKinds.CompromisedSigningKeyListed"/>,
/// <see cref="FindingKinds.SecretNeverRotated"/>). Findings about grants are <see cref="GrantAuditFinding"/>s. An
/// unchanged finding is re-published only after the configured interval, not on every run.
/// </summary>
[MessageUrn("wacht-worker:credential-audit-finding:v1")]
[EntityName("wacht-worker.credential-audit-finding")]
public sealed record CredentialAuditFinding
{
    /// <summary>The audit run that found it.</summary>
    public Guid RunId { get; init; }

    public string DeploymentId { get; init; } = "";

    public string AppSlug { get; init; } = "";

    /// <summary>The OAuth client's record id, for a finding about a client; null for one about the app.</summary>
    [JsonPropertyName("oauthClientId")]
    public string? OAuthClientId { get; init; }

    /// <summary>The client's public <c>client_id</c>, for a finding about a client.</summary>
    public string? ClientId { get; init; }

    /// <summary>The signing key's <c>kid</c>, for <see cref="FindingKinds.CompromisedSigningKeyListed"/>.</summary>
    public string? Kid { get; init; }

    /// <summary>One of <see cref="FindingKinds"/> (the credential kinds).</summary>
    public string Kind { get; init; } = "";

    /// <summary>The specifics, in words.</summary>
    public string Detail { get; init; } = "";

    /// <summary>
    /// For <see cref="FindingKinds.SecretNeverRotated"/>: the id of the RotateSecret command the rotation sweep sends
    /// (or sent) for this client in the current command window, so its <see cref="SecretRotated"/> or
    /// <see cref="SecretRotationFailed"/> can be found; null when the sweep's filters leave the client out.
    /// </summary>
    public Guid? RotateCommandId { get; init; }

    public DateTimeOffset DetectedAt { get; init; }
}
