namespace Wacht.Worker.Commands;

/// <summary>The keys commands are serialised on: one per OAuth client, one per app (scope sync).</summary>
internal static class LockKeys
{
    public static string Client(string? deploymentId, string? oauthClientId) => $"client/{deploymentId}/{oauthClientId}";

    public static string App(string? deploymentId, string? appSlug) => $"app/{deploymentId}/{appSlug}";
}
