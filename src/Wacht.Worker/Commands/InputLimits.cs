namespace Wacht.Worker.Commands;

/// <summary>
/// The limits on what a command may carry (documented in docs/messages.md, "Limits"). A command over any of them is
/// <c>invalid_command</c> before any call to Wacht, and what it sent is echoed back (in its failure event and in the
/// logs) only as an <see cref="Excerpt"/>.
/// </summary>
internal static class InputLimits
{
    /// <summary>
    /// The largest message body accepted, in bytes (the serialised envelope as received). 1000 scopes with typical
    /// texts take about 200 KB; a larger body is refused even when each field is within its limit.
    /// </summary>
    public const int MaxMessageBytes = 512 * 1024;

    /// <summary>App slugs: 1 to 64 ASCII letters, digits, <c>-</c> or <c>_</c> (the platform's rule, as the emulator applies it on create).</summary>
    public const int MaxSlugLength = 64;

    /// <summary>Ids: canonical decimals of at most 19 digits (a positive <see cref="long"/>).</summary>
    public const int MaxIdLength = 19;

    public const int MaxRequestedByLength = 256;

    public const int MaxReasonLength = 1024;

    /// <summary>Longer than any of <see cref="Contracts.CommandTriggers.All"/> and <see cref="Contracts.MissingScopeModes.All"/>; used for echoes only.</summary>
    public const int MaxKeywordLength = 32;

    /// <summary>Scopes per <see cref="Contracts.SyncScopes"/> (the platform keeps one definition per scope of an app).</summary>
    public const int MaxScopes = 1000;

    public const int MaxScopeLength = 128;

    public const int MaxDisplayNameLength = 256;

    public const int MaxDescriptionLength = 1024;

    public const int MaxPermissionLength = 128;

    /// <summary>Field errors listed in a failure event; more are summarised in one marked entry.</summary>
    public const int MaxFieldErrors = 20;

    /// <summary>A failure event's <c>Message</c>: longer ones (never expected) are cut to an excerpt.</summary>
    public const int MaxFailureMessageLength = 8 * 1024;
}
