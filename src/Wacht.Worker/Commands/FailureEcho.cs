using Wacht.Worker.Contracts;

namespace Wacht.Worker.Commands;

/// <summary>
/// Bounds what a failure event echoes of its command: each echoed field is kept when it is within its limit
/// (<see cref="InputLimits"/>) and replaced by a marked <see cref="Excerpt"/> otherwise, and the field errors are
/// capped. A valid command's fields are all within their limits, so only invalid input is ever shortened. Applied to
/// every failure event a consumer builds; the event is also what the ledger records as the outcome.
/// </summary>
internal static class FailureEcho
{
    public static SecretRotationFailed Bound(SecretRotationFailed failed) => failed with
    {
        DeploymentId = Excerpt.OrEmpty(failed.DeploymentId, InputLimits.MaxIdLength),
        AppSlug = Excerpt.OrEmpty(failed.AppSlug, InputLimits.MaxSlugLength),
        OAuthClientId = Excerpt.OrEmpty(failed.OAuthClientId, InputLimits.MaxIdLength),
        Message = Excerpt.OrEmpty(failed.Message, InputLimits.MaxFailureMessageLength),
        FieldErrors = Excerpt.FieldErrors(failed.FieldErrors),
        Trigger = Excerpt.OrEmpty(failed.Trigger, InputLimits.MaxKeywordLength),
        RequestedBy = Excerpt.Of(failed.RequestedBy, InputLimits.MaxRequestedByLength),
        Reason = Excerpt.Of(failed.Reason, InputLimits.MaxReasonLength),
    };

    public static GrantRevocationFailed Bound(GrantRevocationFailed failed) => failed with
    {
        DeploymentId = Excerpt.OrEmpty(failed.DeploymentId, InputLimits.MaxIdLength),
        AppSlug = Excerpt.OrEmpty(failed.AppSlug, InputLimits.MaxSlugLength),
        OAuthClientId = Excerpt.OrEmpty(failed.OAuthClientId, InputLimits.MaxIdLength),
        GrantId = Excerpt.OrEmpty(failed.GrantId, InputLimits.MaxIdLength),
        Message = Excerpt.OrEmpty(failed.Message, InputLimits.MaxFailureMessageLength),
        FieldErrors = Excerpt.FieldErrors(failed.FieldErrors),
        Trigger = Excerpt.OrEmpty(failed.Trigger, InputLimits.MaxKeywordLength),
        RequestedBy = Excerpt.Of(failed.RequestedBy, InputLimits.MaxRequestedByLength),
        Reason = Excerpt.Of(failed.Reason, InputLimits.MaxReasonLength),
    };

    public static ScopeSyncFailed Bound(ScopeSyncFailed failed) => failed with
    {
        DeploymentId = Excerpt.OrEmpty(failed.DeploymentId, InputLimits.MaxIdLength),
        AppSlug = Excerpt.OrEmpty(failed.AppSlug, InputLimits.MaxSlugLength),
        Message = Excerpt.OrEmpty(failed.Message, InputLimits.MaxFailureMessageLength),
        FieldErrors = Excerpt.FieldErrors(failed.FieldErrors),
        Trigger = Excerpt.OrEmpty(failed.Trigger, InputLimits.MaxKeywordLength),
        RequestedBy = Excerpt.Of(failed.RequestedBy, InputLimits.MaxRequestedByLength),
        Reason = Excerpt.Of(failed.Reason, InputLimits.MaxReasonLength),
    };
}
