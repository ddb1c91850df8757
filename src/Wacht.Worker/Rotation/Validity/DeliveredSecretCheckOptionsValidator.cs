using Microsoft.Extensions.Options;

namespace Wacht.Worker.Rotation.Validity;

/// <summary>Validates <see cref="DeliveredSecretCheckOptions"/> at start. Each message begins with the setting to fix.</summary>
internal sealed class DeliveredSecretCheckOptionsValidator : IValidateOptions<DeliveredSecretCheckOptions>
{
    /// <summary>The smallest share: one check per client every 1000 runs.</summary>
    public const double MinShare = 0.001;

    public ValidateOptionsResult Validate(string? name, DeliveredSecretCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string path = DeliveredSecretCheckOptions.SectionPath;

        if (!(options.Share >= MinShare && options.Share <= 1))
        {
            failures.Add($"{path}:Share: must be between {MinShare} and 1, e.g. 0.25 to check every client once in 4 runs (got {options.Share})");
        }

        if (options.MaxChecksPerMinute is < 1 or > 60_000)
        {
            failures.Add($"{path}:MaxChecksPerMinute: must be between 1 and 60000 (got {options.MaxChecksPerMinute})");
        }

        if (options.MaxDuration <= TimeSpan.Zero)
        {
            failures.Add($"{path}:MaxDuration: must be greater than zero (got {options.MaxDuration})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
