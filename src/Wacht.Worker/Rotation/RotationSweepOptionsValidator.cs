using Microsoft.Extensions.Options;
using Wacht.Worker.Jobs;

namespace Wacht.Worker.Rotation;

/// <summary>
/// Validates <see cref="RotationSweepOptions"/> at start. Each message begins with the setting to fix. The cron
/// expression is validated with the scheduling settings, not here.
/// </summary>
/// <remarks>
/// <see cref="RotationSweepOptions.MaxRotationsPerSweep"/> may be 0: the sweep then sends nothing and reports every
/// due client as deferred (<c>cap_reached</c>), while warnings are still published (a report-only mode that, unlike
/// <see cref="RotationSweepOptions.DryRun"/>, says "deferred" rather than "would rotate").
/// </remarks>
internal sealed class RotationSweepOptionsValidator : IValidateOptions<RotationSweepOptions>
{
    public const int MaxParallelismLimit = 64;

    public ValidateOptionsResult Validate(string? name, RotationSweepOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string path = RotationSweepOptions.SectionPath;

        if (options.MaxSecretAge <= TimeSpan.Zero)
        {
            failures.Add($"{path}:MaxSecretAge: must be greater than zero (got {options.MaxSecretAge})");
        }

        if (options.WarningWindow < TimeSpan.Zero)
        {
            failures.Add($"{path}:WarningWindow: must not be negative; 00:00:00 turns warnings off (got {options.WarningWindow})");
        }
        else if (options.MaxSecretAge > TimeSpan.Zero && options.WarningWindow >= options.MaxSecretAge)
        {
            failures.Add($"{path}:WarningWindow: must be shorter than {path}:MaxSecretAge ({options.MaxSecretAge}) (got {options.WarningWindow})");
        }

        if (options.MaxRotationsPerSweep < 0)
        {
            failures.Add($"{path}:MaxRotationsPerSweep: must be 0 or more; 0 sends nothing and reports due clients as deferred (got {options.MaxRotationsPerSweep})");
        }

        if (options.MaxSigningKeyAge is { } maxKeyAge && maxKeyAge <= TimeSpan.Zero)
        {
            failures.Add($"{path}:MaxSigningKeyAge: must be greater than zero when set; leave it unset to turn signing-key rotation off (got {maxKeyAge})");
        }

        if (options.SigningKeyWarningWindow < TimeSpan.Zero)
        {
            failures.Add($"{path}:SigningKeyWarningWindow: must not be negative; 00:00:00 turns warnings off (got {options.SigningKeyWarningWindow})");
        }
        else if (options.MaxSigningKeyAge is { } max && max > TimeSpan.Zero && options.SigningKeyWarningWindow >= max)
        {
            failures.Add($"{path}:SigningKeyWarningWindow: must be shorter than {path}:MaxSigningKeyAge ({max}) (got {options.SigningKeyWarningWindow})");
        }

        if (options.MaxSigningKeyRotationsPerSweep < 0)
        {
            failures.Add($"{path}:MaxSigningKeyRotationsPerSweep: must be 0 or more; 0 sends nothing and reports due apps as deferred (got {options.MaxSigningKeyRotationsPerSweep})");
        }

        if (options.CommandWindow <= TimeSpan.Zero)
        {
            failures.Add($"{path}:CommandWindow: must be greater than zero (got {options.CommandWindow})");
        }

        if (options.MaxParallelism is < 1 or > MaxParallelismLimit)
        {
            failures.Add($"{path}:MaxParallelism: must be between 1 and {MaxParallelismLimit} (got {options.MaxParallelism})");
        }

        ValidatePatterns($"{path}:{nameof(RotationSweepOptions.Include)}", options.Include, failures);
        ValidatePatterns($"{path}:{nameof(RotationSweepOptions.Exclude)}", options.Exclude, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidatePatterns(string key, List<string>? patterns, List<string> failures)
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
