using System.Text.Json.Serialization;
using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// Event: the grant audit found something wrong with an active grant. An unchanged finding is re-published only after
/// the configured interval, not on every run.
/// </summary>
[MessageUrn("wacht-worker:grant-audit-finding:v1")]
[EntityName("wacht-worker.grant-audit-finding")]
public sealed record GrantAuditFinding
{
    /// <summary>The audit run that found it.</summary>
    public Guid RunId { get; init; }

    public string DeploymentId { get; init; } = "";

    public string AppSlug { get; init; } = "";

    /// <summary>The OAuth client's record id.</summary>
    [JsonPropertyName("oauthClientId")]
    public string OAuthClientId { get; init; } = "";

    /// <summary>The client's public <c>client_id</c>.</summary>
    public string ClientId { get; init; } = "";

    public string GrantId { get; init; } = "";

    /// <summary>One of <see cref="FindingKinds"/>.</summary>
    public string Kind { get; init; } = "";

    /// <summary>The specifics, in words, e.g. <c>expired 2026-10-01T00:00:00Z</c> or <c>scopes not supported: admin</c>.</summary>
    public string Detail { get; init; } = "";

    /// <summary>The grant's resource, e.g. <c>urn:wacht:user:771203</c>.</summary>
    public string Resource { get; init; } = "";

    public IReadOnlyList<string> Scopes { get; init; } = [];

    public DateTimeOffset GrantedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>One of <see cref="FindingRemediations"/>.</summary>
    public string Remediation { get; init; } = FindingRemediations.Reported;

    /// <summary>The RevokeGrant command's id when <see cref="Remediation"/> is <c>revoke_requested</c>.</summary>
    public Guid? RevokeCommandId { get; init; }

    public DateTimeOffset DetectedAt { get; init; }
}
