namespace Wacht.Worker.Secrets;

/// <summary>
/// Whose secret: everything a route and a destination key may depend on. All of it is known before the rotate call
/// (<paramref name="ClientId"/> comes from listing the client), so the key can be computed and checked first.
/// </summary>
/// <param name="DeploymentId">The Wacht deployment.</param>
/// <param name="AppSlug">The OAuth app's slug.</param>
/// <param name="OAuthClientId">The client's record id.</param>
/// <param name="ClientId">The client's public <c>client_id</c>.</param>
public sealed record SecretTarget(string DeploymentId, string AppSlug, string OAuthClientId, string ClientId);
