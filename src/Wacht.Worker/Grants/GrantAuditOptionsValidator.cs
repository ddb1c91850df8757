using Microsoft.Extensions.Options;
using Wacht.Worker.Contracts;
using Wacht.Worker.Jobs;

namespace Wacht.Worker.Grants;

/// <summary>
/// Validates <see cref="GrantAuditOptions"/> at start; each message begins with the setting to fix. The cron expression
/// is validated with the scheduling options, not here.
/// </summary>
internal sealed class GrantAuditOptionsValidator : IValidateOptions<GrantAuditOptions>
{
    public ValidateOptionsResult Validate(string? name, GrantAuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string path = GrantAuditOptions.SectionPath;
        var failures = new List<string>();

        // Configuration keys are case-insensitive, so a kind's name in any case is accepted (the audit matches it the same way).
        foreach (var key in options.Remediation.Keys)
        {
            if (FindingKinds.Credential.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                failures.Add($"{path}:Remediation:{key} is a credential finding, which is reported only (no grant to revoke); remediation applies to {string.Join(", ", FindingKinds.Grant)}");
            }
            else if (!FindingKinds.Grant.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                failures.Add($"{path}:Remediation:{key} is not a finding kind; use one of {string.Join(", ", FindingKinds.Grant)}");
            }
        }

        foreach (var (key, value) in options.Remediation)
        {
            if (!Enum.IsDefined(value))
            {
                failures.Add($"{path}:Remediation:{key} must be Report or Revoke, got '{value}'");
            }
        }

        if (options.MaxGrantAge is { } maxAge && maxAge <= TimeSpan.Zero)
        {
            failures.Add($"{path}:MaxGrantAge must be greater than zero when set (leave it unset to turn the check off), got {maxAge}");
        }

        if (options.MaxRevocationsPerRun < 0)
        {
            failures.Add($"{path}:MaxRevocationsPerRun must be 0 or more, got {options.MaxRevocationsPerRun}");
        }

        if (options.RepublishAfter < TimeSpan.Zero)
        {
            failures.Add($"{path}:RepublishAfter must not be negative, got {options.RepublishAfter}");
        }

        if (options.MaxParallelism is < 1 or > 64)
        {
            failures.Add($"{path}:MaxParallelism must be between 1 and 64, got {options.MaxParallelism}");
        }

        Patterns(failures, $"{path}:Include", options.Include);
        Patterns(failures, $"{path}:Exclude", options.Exclude);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Patterns(List<string> failures, string key, List<string>? patterns)
    {
        if (patterns is null)
        {
            return;
        }

        for (var i = 0; i < patterns.Count; i++)
        {
            if (TargetFilter.Validate(patterns[i]) is { } problem)
            {
                failures.Add($"{key}:{i} '{patterns[i]}' {problem}");
            }
        }
    }
}
