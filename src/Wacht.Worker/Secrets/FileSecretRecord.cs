using Wacht.Client;

namespace Wacht.Worker.Secrets;

/// <summary>A secret file as <see cref="FileSecretDestination"/> wrote it. <see cref="object.ToString"/> redacts the secret.</summary>
public sealed record FileSecretRecord(
    string ClientId,
    ClientSecret Secret,
    string DeploymentId,
    string AppSlug,
    string OAuthClientId,
    DateTimeOffset RotatedAt,
    Guid CommandId);
