using Microsoft.Extensions.Options;

namespace Wacht.Worker.Messaging.Watchdog;

/// <summary>Validates <see cref="ConsumerWatchdogOptions"/> at start-up; each message names the setting to fix.</summary>
internal sealed class ConsumerWatchdogOptionsValidator : IValidateOptions<ConsumerWatchdogOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsumerWatchdogOptions options)
    {
        const string s = ConsumerWatchdogOptions.SectionPath;
        var failures = new List<string>();
        if (options.CheckInterval <= TimeSpan.Zero)
        {
            failures.Add($"{s}:CheckInterval must be positive (got {options.CheckInterval}).");
        }

        if (options.RestartAfter < options.CheckInterval)
        {
            failures.Add($"{s}:RestartAfter must be at least {s}:CheckInterval (got {options.RestartAfter}).");
        }

        if (options.BrokerProbeTimeout <= TimeSpan.Zero || options.RestartTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{s}:BrokerProbeTimeout and {s}:RestartTimeout must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
