using System.Text.RegularExpressions;

namespace Wacht.Worker.Secrets.Reload;

/// <summary>Checks one route's reload action at start; each message begins with the key to fix.</summary>
internal static partial class ReloadActionValidator
{
    /// <param name="path">The action's section path, e.g. <c>Worker:Secrets:Routes:0:Reload:1</c>.</param>
    /// <param name="routeDestinationKind">The kind of the route's destination (null when unknown).</param>
    /// <param name="routeDestinationName">The name of the route's destination (null when unknown).</param>
    /// <param name="destinations">Every configured destination's name and kind.</param>
    public static IEnumerable<string> Validate(
        string path,
        ReloadActionOptions action,
        string? routeDestinationKind,
        string? routeDestinationName,
        IEnumerable<(string Name, string Kind)> destinations)
    {
        var kind = action.Kind?.Trim();
        if (string.Equals(kind, ReloadActionOptions.RolloutRestart, StringComparison.OrdinalIgnoreCase))
        {
            var cluster = action.Cluster?.Trim();
            if (string.IsNullOrEmpty(cluster))
            {
                if (!string.Equals(routeDestinationKind, "kubernetes", StringComparison.OrdinalIgnoreCase))
                {
                    yield return $"{path}:Cluster: must name a kubernetes destination (the route's destination '{routeDestinationName}' is not one)";
                }
            }
            else if (!destinations.Any(d => string.Equals(d.Name, cluster, StringComparison.OrdinalIgnoreCase) && string.Equals(d.Kind, "kubernetes", StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"{path}:Cluster: '{cluster}' is not a configured kubernetes destination";
            }

            if (action.Namespace is not null && !DnsLabel().IsMatch(action.Namespace))
            {
                yield return $"{path}:Namespace: '{action.Namespace}' is not a valid namespace name";
            }

            if (action.Deployments.Count + action.StatefulSets.Count == 0)
            {
                yield return $"{path}:Deployments: name at least one Deployment or StatefulSet to restart";
            }

            foreach (var (list, key) in new[] { (action.Deployments, "Deployments"), (action.StatefulSets, "StatefulSets") })
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (!DnsSubdomain().IsMatch(list[i] ?? ""))
                    {
                        yield return $"{path}:{key}:{i}: '{list[i]}' is not a valid object name (lowercase letters, digits, '-' and '.')";
                    }
                }
            }

            if (action.Timeout <= TimeSpan.Zero)
            {
                yield return $"{path}:Timeout: must be positive (e.g. 00:00:10)";
            }
        }
        else if (string.Equals(kind, ReloadActionOptions.Webhook, StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(action.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
            {
                yield return $"{path}:Url: must be an absolute https URL, got '{action.Url}'";
            }
            else if (url.Scheme == "http" && !url.IsLoopback)
            {
                yield return $"{path}:Url: must use https (http is allowed only to a loopback host), got '{url.GetLeftPart(UriPartial.Path)}'";
            }
            else if (!string.IsNullOrEmpty(url.UserInfo))
            {
                yield return $"{path}:Url: must not carry credentials";
            }

            var sources = new[] { action.SigningKey, action.SigningKeyEnvironmentVariable, action.SigningKeyFile }.Count(s => !string.IsNullOrWhiteSpace(s));
            if (sources != 1)
            {
                yield return $"{path}:SigningKeyFile: set exactly one of SigningKey, SigningKeyEnvironmentVariable and SigningKeyFile (found {sources})";
            }
            else if (!string.IsNullOrWhiteSpace(action.SigningKeyEnvironmentVariable) && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(action.SigningKeyEnvironmentVariable)))
            {
                yield return $"{path}:SigningKeyEnvironmentVariable: the environment variable {action.SigningKeyEnvironmentVariable} is not set";
            }
            else if (!string.IsNullOrWhiteSpace(action.SigningKeyFile))
            {
                if (!File.Exists(action.SigningKeyFile))
                {
                    yield return $"{path}:SigningKeyFile: the file '{action.SigningKeyFile}' does not exist";
                }
                else if (!OperatingSystem.IsWindows()
                    && (File.GetUnixFileMode(action.SigningKeyFile) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
                {
                    yield return $"{path}:SigningKeyFile: '{action.SigningKeyFile}' is readable or writable by group or others; make it 0600 or 0400";
                }
            }

            if (action.Timeout <= TimeSpan.Zero)
            {
                yield return $"{path}:Timeout: must be positive (e.g. 00:00:10)";
            }

            if (action.MaxAttempts is < 1 or > 10)
            {
                yield return $"{path}:MaxAttempts: must be between 1 and 10, got {action.MaxAttempts}";
            }

            if (action.RetryDelay < TimeSpan.Zero)
            {
                yield return $"{path}:RetryDelay: must not be negative";
            }
        }
        else
        {
            yield return $"{path}:Kind: must be {ReloadActionOptions.RolloutRestart} or {ReloadActionOptions.Webhook}, got '{action.Kind}'";
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();
}
