namespace Wacht.Worker.Contracts;

/// <summary>
/// The stable, machine-readable <c>ErrorCode</c> values of the failure events. Subscribers may switch on them;
/// they never change meaning. New codes may be added.
/// </summary>
public static class ErrorCodes
{
    /// <summary>The command is malformed (missing/blank fields, bad ids or scope names). See <c>FieldErrors</c>. Do not retry as is.</summary>
    public const string InvalidCommand = "invalid_command";

    /// <summary>
    /// The authorisation policy (<c>Worker:Authorization</c>) does not allow the command's broker-validated sender
    /// (<c>SentBy</c>) to send this command for this target, or the command carries no validated sender. Nothing was
    /// called or recorded.
    /// </summary>
    public const string Forbidden = "forbidden";

    /// <summary>The command names a deployment this worker has no configuration for.</summary>
    public const string UnknownDeployment = "unknown_deployment";

    /// <summary>The app, client, grant or scope does not exist (or the client is inactive, for rotation).</summary>
    public const string NotFound = "not_found";

    /// <summary>The client's auth method has no secret (<c>none</c>, <c>private_key_jwt</c>).</summary>
    public const string RotationNotSupported = "rotation_not_supported";

    /// <summary>Rotation is switched off in this worker (<c>Worker:Rotation:Enabled</c>); nothing was called. Retry after enabling it.</summary>
    public const string RotationDisabled = "rotation_disabled";

    /// <summary>The desired scopes conflict with what the platform allows; see <c>Conflicts</c>. Nothing was changed.</summary>
    public const string ScopeConflict = "scope_conflict";

    /// <summary>Wacht refused the request as invalid (HTTP 400) for a reason the worker could not foresee.</summary>
    public const string Rejected = "rejected";

    /// <summary>The worker's API key for the deployment was refused (HTTP 401/403).</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>Wacht stayed unavailable (5xx, 429, timeouts, open circuit) through the whole retry budget. Retrying later can help.</summary>
    public const string WachtUnavailable = "wacht_unavailable";

    /// <summary>The secret was rotated and is held encrypted in the ledger, but the destination refused it. Re-drive to deliver.</summary>
    public const string SecretDeliveryFailed = "secret_delivery_failed";

    /// <summary>
    /// The new secret was delivered, but the worker could not see Wacht accept it: Wacht rejected it again after every
    /// rotation this attempt was allowed (someone keeps rotating the client), or Wacht's runtime endpoint could not be
    /// asked (unreachable, or no app at its host). The old secret is dead; the secret at the destination may or may not
    /// work. Retryable: a re-drive checks the delivered secret again and rotates only if Wacht rejects it.
    /// </summary>
    public const string SecretVerificationFailed = "secret_verification_failed";

    /// <summary>
    /// A later rotation of the same client replaced this command's secret before it was delivered (e.g. this command's
    /// delivery failed and it was re-driven after another rotation delivered its own). Wacht rejects the undelivered
    /// secret and accepts the one at the destination (both checked), so the undelivered one was discarded. Nothing to retry.
    /// </summary>
    public const string Superseded = "superseded";

    /// <summary>
    /// No routing rule (<c>Worker:Secrets:Routes</c>) matches the client, so its secret would have nowhere to go. Refused
    /// before the rotate call: nothing was rotated. Retry after adding a route.
    /// </summary>
    public const string NoDestination = "no_destination";

    /// <summary>
    /// The command id was already used for a command with other meaningful fields (another target, grant, scope list
    /// or dry-run flag). A command id names one command: the first one's outcome stands and this one was not executed.
    /// Send it again under a new id.
    /// </summary>
    public const string CommandIdConflict = "command_id_conflict";

    /// <summary>An unexpected error in the worker itself.</summary>
    public const string InternalError = "internal_error";
}
