using System.Text.Json.Serialization;

namespace Wacht.Emulator;

/// <summary>A request that a <see cref="HoldRule"/> is holding (a snapshot).</summary>
/// <param name="Id">Identifies the held request for <see cref="CallHolds.ReleaseAsync"/>.</param>
/// <param name="RuleId">The rule that holds it.</param>
/// <param name="DeploymentId">The deployment the request is for.</param>
/// <param name="OAuthClientId">The client record id of the request path, when it has one.</param>
/// <param name="ClientId">The public client_id of that client, when known.</param>
/// <param name="HeldAt">When the request was held (the emulator's clock).</param>
/// <param name="CallerGone">True once the caller has closed the connection (e.g. it timed out).</param>
public sealed record HeldCall(
    long Id,
    long RuleId,
    string Operation,
    string DeploymentId,
    [property: JsonPropertyName("oauth_client_id")] string? OAuthClientId,
    string? ClientId,
    DateTimeOffset HeldAt,
    bool CallerGone);
