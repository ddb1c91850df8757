using Wacht.Client;

namespace Wacht.Worker.Secrets;

/// <summary>A new client secret to hand to a secret destination.</summary>
/// <param name="ClientId">The client's public <c>client_id</c>.</param>
public sealed record SecretDelivery(
    Guid CommandId,
    string DeploymentId,
    string AppSlug,
    string OAuthClientId,
    string ClientId,
    ClientSecret Secret,
    DateTimeOffset RotatedAt);
