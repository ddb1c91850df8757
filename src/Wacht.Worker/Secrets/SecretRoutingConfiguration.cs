using Microsoft.Extensions.Configuration;
using Wacht.Worker.Secrets.Files;
using Wacht.Worker.Secrets.Reload;

namespace Wacht.Worker.Secrets;

/// <summary>
/// The destinations and routes in force, after the legacy settings are applied: without
/// <c>Worker:Secrets:Destinations</c>, one <c>file</c> destination from <c>Worker:Secrets:File</c> and one route
/// <c>*/*/*</c> named <c>default</c> to it.
/// </summary>
internal sealed record SecretRoutingConfiguration(
    IReadOnlyList<SecretRoutingConfiguration.DestinationEntry> Destinations,
    IReadOnlyList<SecretRoutingConfiguration.RouteEntry> Routes)
{
    /// <summary>The legacy default route's name.</summary>
    public const string DefaultRouteName = "default";

    public bool IsLegacy => Routes.Count == 1 && Routes[0].ConfigPath is null;

    public static SecretRoutingConfiguration From(SecretDestinationOptions options, IConfiguration configuration)
    {
        const string section = SecretDestinationOptions.SectionPath;
        if (options.Destinations.Count == 0)
        {
            var file = new DestinationEntry(FileSecretDestination.DestinationName, FileSecretDestination.DestinationName, $"{section}:File", configuration.GetSection($"{section}:File"));
            var legacyRoutes = options.Routes.Count == 0
                ? [new RouteEntry(DefaultRouteName, 0, null, "*/*/*", file.Name, null, [])]
                : RoutesOf(options);
            return new SecretRoutingConfiguration([file], legacyRoutes);
        }

        var destinations = options.Destinations
            .Select(d => new DestinationEntry(d.Key, d.Value.Kind?.Trim() ?? "", $"{section}:Destinations:{d.Key}", configuration.GetSection($"{section}:Destinations:{d.Key}")))
            .ToList();
        return new SecretRoutingConfiguration(destinations, RoutesOf(options));
    }

    private static List<RouteEntry> RoutesOf(SecretDestinationOptions options) =>
        [.. options.Routes.Select((r, i) => new RouteEntry(
            string.IsNullOrWhiteSpace(r.Name) ? $"Routes:{i}" : r.Name.Trim(),
            i,
            $"{SecretDestinationOptions.SectionPath}:Routes:{i}",
            r.Match?.Trim() ?? "",
            r.Destination?.Trim() ?? "",
            string.IsNullOrWhiteSpace(r.KeyTemplate) ? null : r.KeyTemplate,
            r.Reload ?? []))];

    /// <param name="ConfigPath">The section path, for messages.</param>
    internal sealed record DestinationEntry(string Name, string Kind, string ConfigPath, IConfigurationSection Section);

    /// <param name="ConfigPath">The section path, for messages; null for the legacy default route.</param>
    internal sealed record RouteEntry(string Name, int Index, string? ConfigPath, string Match, string Destination, string? KeyTemplate, IReadOnlyList<ReloadActionOptions> Reload);
}
