using System.Text.Json.Serialization;
using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>
/// Event: a client's secret is within the warning window of the maximum secret age and will be rotated by the sweep on
/// or after <see cref="DueAt"/>. Published at most once per client per day.
/// </summary>
[MessageUrn("wacht-worker:secret-rotation-due:v1")]
[EntityName("wacht-worker.secret-rotation-due")]
public sealed record SecretRotationDue
{
    /// <summary>The sweep run that noticed it.</summary>
    public Guid RunId { get; init; }

    public string DeploymentId { get; init; } = "";

    public string AppSlug { get; init; } = "";

    /// <summary>The OAuth client's record id.</summary>
    [JsonPropertyName("oauthClientId")]
    public string OAuthClientId { get; init; } = "";

    /// <summary>The client's public <c>client_id</c>.</summary>
    public string ClientId { get; init; } = "";

    /// <summary>When the current secret was issued: the ledger's last rotation of the client, else the client's <c>created_at</c>.</summary>
    public DateTimeOffset SecretIssuedAt { get; init; }

    /// <summary>Where <see cref="SecretIssuedAt"/> comes from: <c>ledger</c> or <c>created_at</c>.</summary>
    public string SecretAgeSource { get; init; } = "";

    /// <summary>When the secret reaches the maximum age.</summary>
    public DateTimeOffset DueAt { get; init; }

    /// <summary>The maximum secret age in force, in days.</summary>
    public double MaxAgeDays { get; init; }
}
