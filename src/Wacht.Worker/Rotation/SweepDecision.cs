namespace Wacht.Worker.Rotation;

/// <summary>What the sweep decided about one client that is due or nearly due (the lines of the printed report).</summary>
/// <param name="Action">One of <see cref="SweepActions"/>.</param>
/// <param name="SecretIssuedAt">The ledger's last rotation of the client, else its <c>created_at</c>.</param>
/// <param name="AgeSource"><c>ledger</c> or <c>created_at</c>.</param>
/// <param name="CommandId">The RotateSecret command id (sent, or that would be sent) for a rotation; null for a warning.</param>
/// <param name="Reason">Why, in words (e.g. <c>secret 123 days old, max 90</c>).</param>
public sealed record SweepDecision(
    string DeploymentId,
    string AppSlug,
    string OAuthClientId,
    string ClientId,
    string? ClientName,
    string Action,
    DateTimeOffset SecretIssuedAt,
    string AgeSource,
    TimeSpan Age,
    Guid? CommandId,
    string Reason);
