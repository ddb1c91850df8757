using Wacht.Worker.Secrets.Reload;

namespace Wacht.Worker.Secrets;

/// <summary>Where one client's secret goes: the first matching route's destination, key and reload actions.</summary>
/// <param name="Name">The route's name (<c>Worker:Secrets:Routes:{i}:Name</c>, default <c>Routes:{i}</c>; <c>default</c> for the legacy route).</param>
/// <param name="Index">The route's position in <c>Worker:Secrets:Routes</c> (0 for the legacy route).</param>
/// <param name="Destination">The destination.</param>
/// <param name="Key">The destination key, already checked by <see cref="ISecretDestination.KeyFor"/>.</param>
/// <param name="Reload">What to do after a confirmed delivery, in order.</param>
public sealed record SecretRoute(string Name, int Index, ISecretDestination Destination, string Key, IReadOnlyList<ReloadActionOptions> Reload);
