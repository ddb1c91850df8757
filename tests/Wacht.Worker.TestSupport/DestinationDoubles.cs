using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Wacht.Worker.Secrets;

namespace Wacht.Worker.TestSupport;

/// <summary>
/// Puts a test's own <see cref="ISecretDestination"/> (one that fails, hangs or records) behind the worker's routing:
/// a destination kind that hands out that instance, one destination of that kind, and one route sending every client
/// to it. The worker resolves, pre-flights and delivers through it exactly as through a configured destination.
/// </summary>
public static class DestinationDoubles
{
    /// <summary>The kind the doubles are configured as.</summary>
    public const string Kind = "test-double";

    /// <summary>Settings routing every client to the destination named <paramref name="name"/> of the double's kind.</summary>
    public static void Route(IDictionary<string, string?> settings, string name)
    {
        settings.Remove("Worker:Secrets:Destination");
        settings[$"Worker:Secrets:Destinations:{name}:Kind"] = Kind;
        settings["Worker:Secrets:Routes:0:Name"] = "test";
        settings["Worker:Secrets:Routes:0:Match"] = "*";
        settings["Worker:Secrets:Routes:0:Destination"] = name;
    }

    /// <summary>Registers the kind that hands out <paramref name="destination"/>.</summary>
    public static void Register(IServiceCollection services, ISecretDestination destination) =>
        services.AddSingleton<ISecretDestinationKind>(new InstanceKind(destination));

    private sealed class InstanceKind(ISecretDestination destination) : ISecretDestinationKind
    {
        public string Kind => DestinationDoubles.Kind;

        public IEnumerable<string> Validate(string path, IConfigurationSection section) => [];

        public ISecretDestination Create(string name, IConfigurationSection section, IServiceProvider services) => destination;
    }
}
