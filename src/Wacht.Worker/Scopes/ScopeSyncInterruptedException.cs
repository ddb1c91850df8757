using Wacht.Client;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Scopes;

/// <summary>
/// A call of a scope plan failed: <see cref="Applied"/> were applied before it, <see cref="FailedChange"/> and the
/// rest were not. <see cref="Exception.InnerException"/> is the client's exception (e.g. a
/// <see cref="WachtBadRequestException"/> for a permission missing from the deployment's B2B settings, or a transient
/// <see cref="WachtException"/>); classify retryability from it. The message carries no secrets (scope calls carry
/// none, and Wacht client messages are redacted).
/// </summary>
public sealed class ScopeSyncInterruptedException : Exception
{
    public ScopeSyncInterruptedException(string appSlug, ScopeChange failedChange, IReadOnlyList<ScopeChange> applied, int writeCalls, Exception innerException)
        : base(BuildMessage(appSlug, failedChange, applied, innerException), innerException)
    {
        AppSlug = appSlug;
        FailedChange = failedChange;
        Applied = applied;
        WriteCalls = writeCalls;
    }

    public string AppSlug { get; }

    /// <summary>The step whose call failed.</summary>
    public ScopeChange FailedChange { get; }

    /// <summary>The steps applied before the failure, in order.</summary>
    public IReadOnlyList<ScopeChange> Applied { get; }

    /// <summary>The write calls that succeeded before the failure.</summary>
    public int WriteCalls { get; }

    private static string BuildMessage(string appSlug, ScopeChange failedChange, IReadOnlyList<ScopeChange> applied, Exception inner)
    {
        // Only Wacht client messages are known to be redacted; for anything else name the type only.
        var cause = inner is WachtException ? inner.Message : inner.GetType().Name;
        return $"Scope sync of app '{appSlug}' stopped at {failedChange.Action} of scope '{failedChange.Scope}' after {applied.Count} applied change(s): {cause}";
    }
}
