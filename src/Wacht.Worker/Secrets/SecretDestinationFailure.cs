namespace Wacht.Worker.Secrets;

/// <summary>Why a destination refused (<see cref="SecretDestinationException.Reason"/>).</summary>
public enum SecretDestinationFailure
{
    /// <summary>The destination could not be reached or did not answer in time (network, DNS, timeout, 5xx, missing mount). Retrying later can help.</summary>
    Unreachable,

    /// <summary>The destination refused the worker (401/403, RBAC, a policy, an unsafe directory it will not write into). Fix the access, then re-drive.</summary>
    Forbidden,

    /// <summary>The destination or its configuration cannot hold this secret as configured (a bad name, an unexpected item in the way).</summary>
    Invalid,

    /// <summary>Other writers kept changing the item between read and write, through every attempt. Retrying later can help.</summary>
    Conflict,
}
