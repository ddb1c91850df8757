using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Wacht.Worker.Secrets;

/// <summary>The configured destinations by name (case-insensitive), built once by their kinds.</summary>
public sealed class SecretDestinations : IDisposable
{
    private readonly Dictionary<string, ISecretDestination> _byName = new(StringComparer.OrdinalIgnoreCase);

    public SecretDestinations(IOptions<SecretDestinationOptions> options, IConfiguration configuration, IEnumerable<ISecretDestinationKind> kinds, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        Configuration = SecretRoutingConfiguration.From(options.Value, configuration);
        var byKind = kinds.ToDictionary(k => k.Kind, StringComparer.OrdinalIgnoreCase);
        foreach (var entry in Configuration.Destinations)
        {
            // Validated at start: the kind exists and its settings are sound.
            _byName[entry.Name] = byKind[entry.Kind].Create(entry.Name, entry.Section, services);
        }
    }

    /// <summary>Every configured destination.</summary>
    public IReadOnlyCollection<ISecretDestination> All => _byName.Values;

    internal SecretRoutingConfiguration Configuration { get; }

    /// <summary>The destination with this name, or null.</summary>
    public ISecretDestination? Find(string name) => _byName.GetValueOrDefault(name);

    public void Dispose()
    {
        foreach (var destination in _byName.Values.OfType<IDisposable>())
        {
            destination.Dispose();
        }
    }
}
