namespace Wacht.Worker.Grants;

/// <summary>What the audit does about a kind of finding.</summary>
public enum FindingRemediation
{
    /// <summary>Publish the finding only.</summary>
    Report,

    /// <summary>Publish the finding and send a RevokeGrant command (trigger <c>audit</c>), within the per-run cap.</summary>
    Revoke,
}
