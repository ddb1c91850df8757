using Microsoft.Extensions.Options;

namespace Wacht.Worker.Rotation;

/// <summary>Validates <see cref="RotationOptions"/> at start-up; each message names the setting.</summary>
internal sealed class RotationOptionsValidator : IValidateOptions<RotationOptions>
{
    public ValidateOptionsResult Validate(string? name, RotationOptions options)
    {
        const string s = RotationOptions.SectionPath;
        var failures = new List<string>();
        if (options.InFlightWindow < TimeSpan.Zero || options.InFlightWindow > TimeSpan.FromHours(1))
        {
            failures.Add($"{s}:InFlightWindow must be between 00:00:00 and 01:00:00 (got {options.InFlightWindow}).");
        }

        if (options.MaxRotationsPerAttempt is < 1 or > 10)
        {
            failures.Add($"{s}:MaxRotationsPerAttempt must be between 1 and 10 (got {options.MaxRotationsPerAttempt}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
