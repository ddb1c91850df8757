namespace Wacht.Worker.Rotation.Validity;

/// <summary>What the validity check found for one client of the run's share (the lines of the printed report).</summary>
/// <param name="Result">One of <see cref="SecretCheckResults"/>.</param>
/// <param name="Detail">For <c>skipped</c>: the reason (a <see cref="Contracts.SecretCheckSkipReasons"/> value) and what it concerns; for <c>rejected</c>: the remediation; for <c>unknown</c>: the error.</param>
/// <param name="SecretFingerprint">The checked secret's fingerprint; never the secret.</param>
/// <param name="RotateCommandId">The RotateSecret sent (or that would be sent) for a rejected secret.</param>
public sealed record SecretCheckItem(
    string DeploymentId,
    string AppSlug,
    string OAuthClientId,
    string ClientId,
    string Result,
    string? Detail,
    string? Destination,
    string? DestinationKey,
    string? SecretFingerprint,
    Guid? RotateCommandId);

/// <summary>The values of <see cref="SecretCheckItem.Result"/>.</summary>
public static class SecretCheckResults
{
    /// <summary>Wacht accepts the secret at the destination.</summary>
    public const string Accepted = "accepted";

    /// <summary>Wacht rejects it: a <see cref="Contracts.DeliveredSecretRejected"/> finding.</summary>
    public const string Rejected = "rejected";

    /// <summary>Wacht could not say (transient failure, or an error in the run's Errors); never a finding.</summary>
    public const string Unknown = "unknown";

    /// <summary>In the run's share, but not checked (the detail says why).</summary>
    public const string Skipped = "skipped";
}
