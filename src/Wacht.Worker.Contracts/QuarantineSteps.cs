namespace Wacht.Worker.Contracts;

/// <summary>The steps of a <see cref="QuarantineClient"/>, in the order they run (as <see cref="ClientQuarantineFailed.Remaining"/> names them).</summary>
public static class QuarantineSteps
{
    /// <summary>Rotate the client's secret (delivered, or discarded).</summary>
    public const string RotateSecret = "rotate-secret";

    /// <summary>Revoke every active grant of the client.</summary>
    public const string RevokeGrants = "revoke-grants";

    /// <summary>Deactivate the client (only when the command asks for it).</summary>
    public const string DeactivateClient = "deactivate-client";
}
