using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Wacht.Client;

/// <summary>
/// The configuration keys of the <c>Wacht</c> section and a check that every key present is known and every value
/// converts. Values of API key settings are never echoed.
/// </summary>
internal static class WachtConfigurationKeys
{
    internal enum Kind
    {
        Text,
        Secret,
        Url,
        PathStyle,
        Duration,
        Integer,
        Number,
        Boolean,
        Section,
    }

    internal static readonly IReadOnlyDictionary<string, Kind> Deployment = new Dictionary<string, Kind>(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(WachtDeploymentOptions.BaseUrl)] = Kind.Url,
        [nameof(WachtDeploymentOptions.AllowInsecureHttp)] = Kind.Boolean,
        [nameof(WachtDeploymentOptions.ApiKey)] = Kind.Secret,
        [nameof(WachtDeploymentOptions.ApiKeyEnvironmentVariable)] = Kind.Text,
        [nameof(WachtDeploymentOptions.ApiKeyFile)] = Kind.Text,
        [nameof(WachtDeploymentOptions.PathStyle)] = Kind.PathStyle,
        [nameof(WachtDeploymentOptions.RuntimeBaseUrl)] = Kind.Text,
        [nameof(WachtDeploymentOptions.RequestTimeout)] = Kind.Duration,
        [nameof(WachtDeploymentOptions.TotalTimeout)] = Kind.Duration,
        [nameof(WachtDeploymentOptions.MaxConcurrentRequests)] = Kind.Integer,
        [nameof(WachtDeploymentOptions.MaxQueuedRequests)] = Kind.Integer,
        [nameof(WachtDeploymentOptions.RequestsPerSecond)] = Kind.Number,
        [nameof(WachtDeploymentOptions.MaxRetries)] = Kind.Integer,
        [nameof(WachtDeploymentOptions.RetryBaseDelay)] = Kind.Duration,
        [nameof(WachtDeploymentOptions.MaxRetryDelay)] = Kind.Duration,
        [nameof(WachtDeploymentOptions.MaxRetryAfter)] = Kind.Duration,
        [nameof(WachtDeploymentOptions.CircuitBreaker)] = Kind.Section,
    };

    internal static readonly IReadOnlyDictionary<string, Kind> CircuitBreaker = new Dictionary<string, Kind>(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(WachtCircuitBreakerOptions.Enabled)] = Kind.Boolean,
        [nameof(WachtCircuitBreakerOptions.FailureRatio)] = Kind.Number,
        [nameof(WachtCircuitBreakerOptions.MinimumThroughput)] = Kind.Integer,
        [nameof(WachtCircuitBreakerOptions.SamplingDuration)] = Kind.Duration,
        [nameof(WachtCircuitBreakerOptions.BreakDuration)] = Kind.Duration,
    };

    public static void Check(IConfigurationSection section, List<string> failures)
    {
        foreach (var child in section.GetChildren())
        {
            if (!string.Equals(child.Key, nameof(WachtOptions.Deployments), StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{child.Path}: unknown setting; the section only takes Deployments:<deployment id>:<setting>");
            }
        }

        foreach (var deployment in section.GetSection(nameof(WachtOptions.Deployments)).GetChildren())
        {
            if (deployment.Value is { Length: > 0 } && !deployment.GetChildren().Any())
            {
                failures.Add($"{deployment.Path}: must be a section of settings, not a single value");
                continue;
            }

            CheckKeys(deployment, Deployment, failures);
            CheckKeys(deployment.GetSection(nameof(WachtDeploymentOptions.CircuitBreaker)), CircuitBreaker, failures);
        }
    }

    private static void CheckKeys(IConfigurationSection section, IReadOnlyDictionary<string, Kind> known, List<string> failures)
    {
        foreach (var child in section.GetChildren())
        {
            if (!known.TryGetValue(child.Key, out var kind))
            {
                failures.Add($"{child.Path}: unknown setting; known settings are {string.Join(", ", known.Keys)}");
                continue;
            }

            if (string.IsNullOrEmpty(child.Value) || kind is Kind.Section)
            {
                continue;
            }

            if (!Converts(child.Value, kind))
            {
                failures.Add($"{child.Path}: '{child.Value}' is not {Describe(kind)}");
            }
        }
    }

    private static bool Converts(string value, Kind kind) => kind switch
    {
        Kind.Url => Uri.TryCreate(value, UriKind.RelativeOrAbsolute, out _),
        Kind.PathStyle => Enum.TryParse<WachtPathStyle>(value, ignoreCase: true, out var style)
            && Enum.IsDefined(style)
            && !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        Kind.Duration => TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _),
        Kind.Integer => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        Kind.Number => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
        Kind.Boolean => bool.TryParse(value, out _),
        _ => true,
    };

    private static string Describe(Kind kind) => kind switch
    {
        Kind.Url => "a URL",
        Kind.PathStyle => "a path style (Backend or Platform)",
        Kind.Duration => "a duration such as 00:00:30",
        Kind.Integer => "a whole number",
        Kind.Number => "a number (use a dot as decimal separator)",
        Kind.Boolean => "true or false",
        _ => "valid",
    };
}
