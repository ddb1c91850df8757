namespace Wacht.Worker.Ledger;

/// <summary>An audit finding that was published, keyed by deployment, grant and kind.</summary>
/// <param name="Kind">A <c>FindingKinds</c> value.</param>
/// <param name="DetailHash">A hash of the finding's detail: a changed finding (new scopes archived, say) is published again at once.</param>
public sealed record PublishedFinding(
    string DeploymentId,
    string OAuthClientId,
    string GrantId,
    string Kind,
    string DetailHash,
    DateTimeOffset LastPublishedAt);
