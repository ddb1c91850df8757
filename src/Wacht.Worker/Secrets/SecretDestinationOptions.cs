using Wacht.Worker.Secrets.Reload;

namespace Wacht.Worker.Secrets;

/// <summary>
/// Where rotated secrets are delivered, bound to <c>Worker:Secrets</c>: named destinations and the routes that map
/// clients to them. Without <see cref="Destinations"/>, the legacy settings apply: one file destination named
/// <c>file</c> at <see cref="File"/>.<see cref="FileSecretDestinationOptions.Directory"/> and one route
/// <c>*/*/*</c> to it (key <c>{deploymentId}/{appSlug}/{clientId}.json</c>).
/// </summary>
public sealed class SecretDestinationOptions
{
    /// <summary>The configuration section the options are bound to.</summary>
    public const string SectionPath = "Worker:Secrets";

    /// <summary>The only value <see cref="Destination"/> may have.</summary>
    public const string FileDestination = "File";

    /// <summary>Legacy: the destination kind when <see cref="Destinations"/> is empty; <c>File</c> (the default) is the only one. Case-insensitive.</summary>
    public string Destination { get; set; } = FileDestination;

    /// <summary>Legacy: settings of the single file destination (<c>Worker:Secrets:File</c>), used when <see cref="Destinations"/> is empty.</summary>
    public FileSecretDestinationOptions File { get; set; } = new();

    /// <summary>
    /// Named destinations (<c>Worker:Secrets:Destinations:{name}</c>): each has a <c>Kind</c> and that kind's settings
    /// in the same section. Names are case-insensitive, letters, digits, <c>.</c>, <c>_</c> and <c>-</c>.
    /// </summary>
    public Dictionary<string, SecretDestinationSettings> Destinations { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The routes in order (<c>Worker:Secrets:Routes:{index}</c>); the first that matches a client wins.</summary>
    public List<SecretRouteOptions> Routes { get; set; } = [];
}

/// <summary>Settings of the legacy single file destination.</summary>
public sealed class FileSecretDestinationOptions
{
    /// <summary>The root directory of the secret files, relative to the current directory unless absolute. Default <c>secrets</c>.</summary>
    public string Directory { get; set; } = "secrets";
}

/// <summary>
/// One named destination. Only <see cref="Kind"/> is common; the kind's own settings (e.g. <c>Directory</c> for
/// <c>file</c>, <c>Namespace</c> for <c>kubernetes</c>) are read from the same configuration section by the kind.
/// </summary>
public sealed class SecretDestinationSettings
{
    /// <summary><c>file</c>, <c>kubernetes</c>, <c>vault</c>, <c>aws-secrets-manager</c> or <c>azure-key-vault</c> (those registered).</summary>
    public string? Kind { get; set; }
}

/// <summary>One routing rule.</summary>
public sealed class SecretRouteOptions
{
    /// <summary>The route's name, reported in <c>SecretRotated.Route</c>. Default: <c>Routes:{index}</c>.</summary>
    public string? Name { get; set; }

    /// <summary>A <c>deployment/app-slug/client</c> pattern in the jobs' filter syntax (<c>*</c>, <c>?</c>; the client segment matches the record id or the <c>client_id</c>).</summary>
    public string? Match { get; set; }

    /// <summary>The name of a destination under <c>Worker:Secrets:Destinations</c>.</summary>
    public string? Destination { get; set; }

    /// <summary>The key template; null: the destination's default. Placeholders: <c>{deploymentId}</c>, <c>{appSlug}</c>, <c>{oauthClientId}</c>, <c>{clientId}</c>.</summary>
    public string? KeyTemplate { get; set; }

    /// <summary>What to do after a confirmed delivery, in order (rollout restarts, webhooks).</summary>
    public List<ReloadActionOptions> Reload { get; set; } = [];
}
