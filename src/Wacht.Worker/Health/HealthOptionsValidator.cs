using System.Net;
using Microsoft.Extensions.Options;

namespace Wacht.Worker.Health;

/// <summary>Checks <c>Worker:Health</c> at start-up; every message names the setting to fix.</summary>
internal sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    private const string Section = HealthOptions.SectionPath;

    public ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"{Section}:Port must be between 0 and 65535 (got {options.Port}).");
        }

        if (!string.IsNullOrWhiteSpace(options.BindAddress) && !IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add($"{Section}:BindAddress must be an IP address such as 0.0.0.0, :: or 127.0.0.1 (got '{options.BindAddress}'); leave it unset for every interface.");
        }

        if (options.CheckTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:CheckTimeout must be positive (e.g. 00:00:05).");
        }

        if (options.WachtCheckInterval < TimeSpan.Zero)
        {
            failures.Add($"{Section}:WachtCheckInterval must not be negative (e.g. 00:01:00).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
