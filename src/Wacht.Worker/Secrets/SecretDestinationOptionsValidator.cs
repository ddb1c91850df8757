using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Wacht.Worker.Jobs;
using Wacht.Worker.Secrets.Reload;

namespace Wacht.Worker.Secrets;

/// <summary>
/// Validates <see cref="SecretDestinationOptions"/> at start; each message begins with the setting to fix. Checks every
/// destination's kind and settings (through its kind), and every route's pattern, destination, key template (against
/// that destination, with a sample client) and reload actions.
/// </summary>
internal sealed partial class SecretDestinationOptionsValidator(
    IConfiguration configuration,
    IEnumerable<ISecretDestinationKind> kinds,
    IServiceProvider services) : IValidateOptions<SecretDestinationOptions>
{
    public ValidateOptionsResult Validate(string? name, SecretDestinationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string path = SecretDestinationOptions.SectionPath;
        if (!string.Equals(options.Destination?.Trim(), SecretDestinationOptions.FileDestination, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{path}:Destination: must be File (the legacy single destination; other kinds go under Destinations), got '{options.Destination}'");
            return ValidateOptionsResult.Fail(failures);
        }

        var routing = SecretRoutingConfiguration.From(options, configuration);
        var byKind = kinds.ToDictionary(k => k.Kind, StringComparer.OrdinalIgnoreCase);
        var built = new Dictionary<string, ISecretDestination>(StringComparer.OrdinalIgnoreCase);
        foreach (var destination in routing.Destinations)
        {
            if (!NamePattern().IsMatch(destination.Name))
            {
                failures.Add($"{destination.ConfigPath}: the name '{destination.Name}' must be letters, digits, '.', '_' or '-'");
                continue;
            }

            if (!byKind.TryGetValue(destination.Kind, out var kind))
            {
                failures.Add(destination.Kind.Length == 0
                    ? $"{destination.ConfigPath}:Kind: must be set (one of {string.Join(", ", byKind.Keys.Order())})"
                    : $"{destination.ConfigPath}:Kind: unknown kind '{destination.Kind}' (one of {string.Join(", ", byKind.Keys.Order())})");
                continue;
            }

            var problems = kind.Validate(destination.ConfigPath, destination.Section).ToList();
            failures.AddRange(problems);
            if (problems.Count == 0)
            {
                built[destination.Name] = kind.Create(destination.Name, destination.Section, services);
            }
        }

        if (routing.Routes.Count == 0)
        {
            failures.Add($"{path}:Routes: at least one route is needed when {path}:Destinations is set (e.g. Match */*/* to one destination)");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var route in routing.Routes)
        {
            var at = route.ConfigPath ?? path;
            if (!names.Add(route.Name))
            {
                failures.Add($"{at}:Name: '{route.Name}' is used by an earlier route too");
            }

            if (TargetFilter.Validate(route.Match) is { } badPattern)
            {
                failures.Add($"{at}:Match: the pattern '{route.Match}' {badPattern}");
            }

            var destination = routing.Destinations.FirstOrDefault(d => string.Equals(d.Name, route.Destination, StringComparison.OrdinalIgnoreCase));
            if (destination is null)
            {
                failures.Add(route.Destination.Length == 0
                    ? $"{at}:Destination: must name a destination under {path}:Destinations"
                    : $"{at}:Destination: unknown destination '{route.Destination}' (configured: {string.Join(", ", routing.Destinations.Select(d => d.Name))})");
            }

            if (route.KeyTemplate is not null && SecretKeyTemplate.Validate(route.KeyTemplate) is { } badTemplate)
            {
                failures.Add($"{at}:KeyTemplate: '{route.KeyTemplate}' {badTemplate}");
            }
            else if (destination is not null && built.TryGetValue(destination.Name, out var instance))
            {
                try
                {
                    instance.KeyFor(SecretKeyTemplate.SampleTarget, route.KeyTemplate);
                }
                catch (SecretKeyException ex)
                {
                    failures.Add($"{at}:KeyTemplate: not usable with destination '{destination.Name}': {ex.Message}");
                }
            }

            for (var i = 0; i < route.Reload.Count; i++)
            {
                failures.AddRange(ReloadActionValidator.Validate($"{at}:Reload:{i}", route.Reload[i], destination?.Kind, destination?.Name, routing.Destinations.Select(d => (d.Name, d.Kind))));
            }
        }

        foreach (var destination in built.Values.OfType<IDisposable>())
        {
            destination.Dispose();
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,63}$")]
    private static partial Regex NamePattern();
}
