namespace Wacht.Worker.Commands;

/// <summary>
/// The keys commands are serialised on: one per OAuth client, one per app (scope sync). Also the consumers'
/// partition keys. Ids are taken in their canonical spelling (<see cref="DecimalIds.Canonical"/>).
/// </summary>
internal static class LockKeys
{
    public static string Client(string? deploymentId, string? oauthClientId) =>
        $"client/{DecimalIds.Canonical(deploymentId)}/{DecimalIds.Canonical(oauthClientId)}";

    public static string App(string? deploymentId, string? appSlug) => $"app/{DecimalIds.Canonical(deploymentId)}/{appSlug}";
}
