using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.SigningKeys;

/// <summary>
/// Bounds what the signing-key failure events echo of their command, as <see cref="FailureEcho"/> does for the other
/// commands (kept beside the commands so that a new command touches its own folder only).
/// </summary>
internal static class SigningKeyEcho
{
    public static SigningKeyRotationFailed Bound(SigningKeyRotationFailed failed) => failed with
    {
        DeploymentId = Excerpt.OrEmpty(failed.DeploymentId, InputLimits.MaxIdLength),
        AppSlug = Excerpt.OrEmpty(failed.AppSlug, InputLimits.MaxSlugLength),
        Message = Excerpt.OrEmpty(failed.Message, InputLimits.MaxFailureMessageLength),
        FieldErrors = Excerpt.FieldErrors(failed.FieldErrors),
        Trigger = Excerpt.OrEmpty(failed.Trigger, InputLimits.MaxKeywordLength),
        RequestedBy = Excerpt.Of(failed.RequestedBy, InputLimits.MaxRequestedByLength),
        Reason = Excerpt.Of(failed.Reason, InputLimits.MaxReasonLength),
    };

    public static SigningKeyCompromiseFailed Bound(SigningKeyCompromiseFailed failed) => failed with
    {
        DeploymentId = Excerpt.OrEmpty(failed.DeploymentId, InputLimits.MaxIdLength),
        AppSlug = Excerpt.OrEmpty(failed.AppSlug, InputLimits.MaxSlugLength),
        Kid = Excerpt.OrEmpty(failed.Kid, SigningKeyCommands.MaxKidLength),
        Message = Excerpt.OrEmpty(failed.Message, InputLimits.MaxFailureMessageLength),
        FieldErrors = Excerpt.FieldErrors(failed.FieldErrors),
        Trigger = Excerpt.OrEmpty(failed.Trigger, InputLimits.MaxKeywordLength),
        RequestedBy = Excerpt.Of(failed.RequestedBy, InputLimits.MaxRequestedByLength),
        Reason = Excerpt.Of(failed.Reason, InputLimits.MaxReasonLength),
    };
}
