using Microsoft.Extensions.Configuration;

namespace Wacht.Worker.Secrets;

/// <summary>
/// Builds the destinations of one kind from their configuration sections. Register one with
/// <see cref="SecretDestinationServiceCollectionExtensions.AddSecretDestinationKind{TKind}"/>.
/// </summary>
public interface ISecretDestinationKind
{
    /// <summary>The <c>Kind</c> value it serves, e.g. <c>file</c> (compared case-insensitively).</summary>
    string Kind { get; }

    /// <summary>
    /// What is wrong with a destination's settings; empty when nothing. Each message starts with the full key to fix
    /// (<paramref name="path"/> is the section's path, e.g. <c>Worker:Secrets:Destinations:apps</c>).
    /// </summary>
    IEnumerable<string> Validate(string path, IConfigurationSection section);

    /// <summary>Builds the destination (no I/O beyond reading local configuration files). Called only for settings that validated.</summary>
    ISecretDestination Create(string name, IConfigurationSection section, IServiceProvider services);
}
