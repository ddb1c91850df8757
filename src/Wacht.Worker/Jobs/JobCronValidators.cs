using Microsoft.Extensions.Options;
using Quartz;
using Wacht.Worker.Grants;
using Wacht.Worker.Rotation;

namespace Wacht.Worker.Jobs;

/// <summary>Checks the cron expression of a scheduled job; the message names the setting to fix.</summary>
internal static class JobCron
{
    public static string? Check(string sectionPath, bool enabled, string? cron)
    {
        if (!enabled)
        {
            return null;
        }

        return !string.IsNullOrWhiteSpace(cron) && CronExpression.TryParse(cron, out _)
            ? null
            : $"{sectionPath}:Cron '{cron}' is not a valid Quartz cron expression (six or seven fields, seconds first, e.g. \"0 0 3 * * ?\"; evaluated in UTC).";
    }
}

/// <summary>Validates <c>Worker:RotationSweep:Cron</c> when the sweep is scheduled.</summary>
internal sealed class RotationSweepCronValidator : IValidateOptions<RotationSweepOptions>
{
    public ValidateOptionsResult Validate(string? name, RotationSweepOptions options) =>
        JobCron.Check(RotationSweepOptions.SectionPath, options.Enabled, options.Cron) is { } error
            ? ValidateOptionsResult.Fail(error)
            : ValidateOptionsResult.Success;
}

/// <summary>Validates <c>Worker:GrantAudit:Cron</c> when the audit is scheduled.</summary>
internal sealed class GrantAuditCronValidator : IValidateOptions<GrantAuditOptions>
{
    public ValidateOptionsResult Validate(string? name, GrantAuditOptions options) =>
        JobCron.Check(GrantAuditOptions.SectionPath, options.Enabled, options.Cron) is { } error
            ? ValidateOptionsResult.Fail(error)
            : ValidateOptionsResult.Success;
}
