using Wacht.Worker.Jobs;

namespace Wacht.Worker.Secrets;

/// <summary>
/// Maps a client to its route: the first rule of <c>Worker:Secrets:Routes</c> whose <c>Match</c> pattern matches
/// (the jobs' filter syntax, <see cref="TargetFilter"/>). Pure: configuration only, no I/O.
/// </summary>
public sealed class SecretRouter
{
    private readonly (SecretRoutingConfiguration.RouteEntry Entry, TargetFilter Filter, ISecretDestination Destination)[] _routes;
    private readonly SecretDestinations _destinations;

    public SecretRouter(SecretDestinations destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        _destinations = destinations;
        _routes = [.. destinations.Configuration.Routes.Select(r => (r, new TargetFilter([r.Match], []), destinations.Find(r.Destination)!))];
    }

    /// <summary>
    /// The route of <paramref name="target"/>, with its destination key; null when no rule matches (the rotate
    /// consumer then refuses the command with <c>no_destination</c> before calling rotate).
    /// </summary>
    /// <exception cref="SecretKeyException">A rule matches, but its destination cannot store this target under its key template.</exception>
    public SecretRoute? Resolve(SecretTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        foreach (var (entry, filter, destination) in _routes)
        {
            if (filter.Includes(target.DeploymentId, target.AppSlug, target.OAuthClientId, target.ClientId))
            {
                return new SecretRoute(entry.Name, entry.Index, destination, destination.KeyFor(target, entry.KeyTemplate), entry.Reload);
            }
        }

        return null;
    }

    /// <summary>
    /// The route a command recorded before its rotate call, rebuilt from the configuration: the recorded destination and
    /// key, and the reload actions of the route of that name (none if the route is gone). Null when the recorded
    /// destination is no longer configured. A pending secret goes where its command decided, even if the routes
    /// changed since.
    /// </summary>
    public SecretRoute? Recorded(string routeName, string destinationName, string key)
    {
        if (_destinations.Find(destinationName) is not { } destination)
        {
            return null;
        }

        var (entry, _, _) = _routes.FirstOrDefault(r => string.Equals(r.Entry.Name, routeName, StringComparison.Ordinal));
        return new SecretRoute(routeName, entry?.Index ?? -1, destination, key, entry?.Reload ?? []);
    }
}
